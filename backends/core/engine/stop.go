package engine

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/sys/signal"

	"github.com/sockerless/sockerless/api/driver"
)

// defaultStopTimeout is dockerd's grace period before SIGKILL.
const defaultStopTimeout = 10

// notRunning is dockerd's conflict for operations on a stopped container.
func notRunning(id string) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", id))
}

// parseSignal parses a signal name or number; empty is def.
func parseSignal(s string, def syscall.Signal) (syscall.Signal, error) {
	if s == "" {
		return def, nil
	}
	sig, err := signal.ParseSignal(s)
	if err != nil {
		return 0, errdefs.ErrInvalidArgument.WithMessage("Invalid signal: " + s)
	}
	return sig, nil
}

// Stop stops container ref: its stop signal (or sig), then SIGKILL after
// timeout seconds (nil: the container's StopTimeout or 10; -1 waits
// forever). A container that is not running answers 304.
func (e *Engine) Stop(ctx context.Context, ref, sig string, timeout *int) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	return e.stop(ctx, c, sig, timeout, true)
}

func (e *Engine) stop(ctx context.Context, c *Container, sigName string, timeout *int, manual bool) error {
	c.mu.Lock()
	sig, err := parseSignal(sigName, stopSignal(c.rec.Config))
	if err != nil {
		c.mu.Unlock()
		return err
	}
	if c.restart != nil && manual {
		c.rec.ManuallyStopped = true
	}
	if e.cancelRestart(c) {
		e.event(ctx, c, mevents.ActionStop, nil)
		c.mu.Unlock()
		return nil
	}
	if c.task == nil {
		c.mu.Unlock()
		if manual {
			return errdefs.ErrNotModified
		}
		return nil
	}
	c.canceled = true
	if manual {
		c.rec.ManuallyStopped = true
		if err := e.persist(c); err != nil {
			c.mu.Unlock()
			return err
		}
	}
	task, stopped, paused := c.task, c.stopped, c.rec.State.Status == StatusPaused
	t := defaultStopTimeout
	if c.rec.Config.StopTimeout != nil {
		t = *c.rec.Config.StopTimeout
	}
	if timeout != nil {
		t = *timeout
	}
	e.event(ctx, c, mevents.ActionKill, map[string]string{"signal": itoa(int(sig))})
	c.mu.Unlock()

	if err := task.Signal(ctx, sig); err != nil {
		e.log.Debug().Err(err).Str("container_id", c.rec.ID).Msg("stop signal")
	}
	if paused {
		e.unpauseForKill(ctx, c)
	}
	if !waitStopped(ctx, stopped, t) {
		c.mu.Lock()
		e.event(ctx, c, mevents.ActionKill, map[string]string{"signal": itoa(int(syscall.SIGKILL))})
		c.mu.Unlock()
		if err := task.Signal(ctx, syscall.SIGKILL); err != nil {
			e.log.Debug().Err(err).Str("container_id", c.rec.ID).Msg("kill after stop timeout")
		}
		select {
		case <-stopped:
		case <-ctx.Done():
			return fmt.Errorf("stop container %s: %w", c.rec.ID, ctx.Err())
		}
	}
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionStop, nil)
	c.mu.Unlock()
	return nil
}

// waitStopped waits up to t seconds (forever when negative).
func waitStopped(ctx context.Context, stopped <-chan struct{}, t int) bool {
	var timeout <-chan time.Time
	if t >= 0 {
		timer := time.NewTimer(time.Duration(t) * time.Second)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-stopped:
		return true
	case <-timeout:
	case <-ctx.Done():
	}
	return false
}

// unpauseForKill thaws a paused container so a signal can end it.
func (e *Engine) unpauseForKill(ctx context.Context, c *Container) {
	if p, ok := e.drv.Extra.(driver.Pauser); ok {
		if err := p.Unpause(ctx, c.rec.ID); err != nil {
			e.log.Debug().Err(err).Str("container_id", c.rec.ID).Msg("unpause to kill")
		}
	}
}

// Kill sends sig (default SIGKILL) to container ref's main process.
func (e *Engine) Kill(ctx context.Context, ref, sigName string) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	sig, err := parseSignal(sigName, syscall.SIGKILL)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.task == nil {
		restarting := c.restart != nil
		if restarting {
			c.rec.ManuallyStopped = true
			e.cancelRestart(c)
		}
		c.mu.Unlock()
		if restarting {
			return nil
		}
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Cannot kill container: %s: %s", ref, notRunning(c.rec.ID).Error()))
	}
	// As dockerd's killWithSignal: the stop signal and SIGKILL end the
	// restart policy for this run; every kill counts as a manual stop.
	final := sig == syscall.SIGKILL || sig == stopSignal(c.rec.Config)
	if final {
		c.canceled = true
	}
	c.rec.ManuallyStopped = true
	if err := e.persist(c); err != nil {
		c.mu.Unlock()
		return err
	}
	task, paused := c.task, c.rec.State.Status == StatusPaused
	e.event(ctx, c, mevents.ActionKill, map[string]string{"signal": itoa(int(sig))})
	c.mu.Unlock()
	if err := task.Signal(ctx, sig); err != nil {
		return fmt.Errorf("kill container %s: %w", c.rec.ID, err)
	}
	if final && paused {
		e.unpauseForKill(ctx, c)
	}
	return nil
}

// Restart stops container ref (when it runs) and starts it again.
func (e *Engine) Restart(ctx context.Context, ref, sig string, timeout *int) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.restarting = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.restarting = false
		c.mu.Unlock()
	}()
	if err := e.stop(ctx, c, sig, timeout, true); err != nil && !errdefs.IsNotModified(err) {
		return err
	}
	if err := e.start(ctx, c, true); err != nil && !errdefs.IsNotModified(err) {
		return err
	}
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionRestart, nil)
	c.mu.Unlock()
	return nil
}
