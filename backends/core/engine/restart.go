package engine

import (
	"time"

	"github.com/moby/moby/api/types/container"
)

// Restart backoff, as dockerd's restartmanager: 100 ms doubling up to a
// minute, back to 100 ms after a run of at least 10 s.
const (
	backoffStart = 100 * time.Millisecond
	backoffMax   = time.Minute
	backoffReset = 10 * time.Second
)

// shouldRestart applies r's restart policy to an exit with code.
func shouldRestart(r Record, code int) bool {
	p := r.HostConfig.RestartPolicy
	switch p.Name {
	case container.RestartPolicyAlways:
		return true
	case container.RestartPolicyUnlessStopped:
		return !r.ManuallyStopped
	case container.RestartPolicyOnFailure:
		return code != 0 && (p.MaximumRetryCount == 0 || r.RestartCount < p.MaximumRetryCount)
	}
	return false
}

// shouldRestartOnBoot says whether daemon start-up starts r again, as
// dockerd's restore: only containers started before, and "always" even
// after a manual stop.
func shouldRestartOnBoot(r *Record) bool {
	return !r.State.StartedAt.IsZero() && r.State.Status == StatusExited && shouldRestart(*r, r.State.ExitCode)
}

// scheduleRestart arms the restart timer of c after a run of ran; c.mu held.
func (e *Engine) scheduleRestart(c *Container, ran time.Duration) {
	if ran >= backoffReset {
		c.backoff = 0
	}
	switch {
	case c.backoff == 0:
		c.backoff = backoffStart
	case c.backoff < backoffMax:
		c.backoff *= 2
	}
	c.backoff = min(c.backoff, backoffMax)
	c.restartGen++
	gen := c.restartGen
	c.restart = time.AfterFunc(c.backoff, func() { e.restartNow(c, gen) })
}

// restartNow is the restart timer firing.
func (e *Engine) restartNow(c *Container, gen int) {
	c.mu.Lock()
	if c.restart == nil || c.restartGen != gen || c.rec.State.Status != StatusRestarting || e.isClosing() {
		c.mu.Unlock()
		return
	}
	c.restart = nil
	c.rec.RestartCount++
	c.mu.Unlock()
	if err := e.start(e.ctx, c, false); err != nil {
		e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("restart by policy")
	}
}

// cancelRestart stops a pending restart: the container is exited. c.mu held.
func (e *Engine) cancelRestart(c *Container) bool {
	if c.restart == nil {
		return false
	}
	c.restart.Stop()
	c.restart = nil
	s := c.rec.State
	s.Status = StatusExited
	if err := e.setState(c, s); err != nil {
		e.log.Error().Err(err).Str("container_id", c.rec.ID).Msg("record canceled restart")
	}
	return true
}
