package engine

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
)

// Health check defaults, as dockerd's.
const (
	defaultProbeInterval = 30 * time.Second
	defaultProbeTimeout  = 30 * time.Second
	defaultStartInterval = 5 * time.Second
	defaultProbeRetries  = 3
	maxHealthLog         = 5
	maxHealthOutput      = 4096
)

// healthArgs turns a Healthcheck test into a command; nil means none.
func healthArgs(hc *container.HealthConfig) []string {
	if hc == nil || len(hc.Test) == 0 {
		return nil
	}
	switch hc.Test[0] {
	case "CMD":
		return slices.Clone(hc.Test[1:])
	case "CMD-SHELL":
		if len(hc.Test) < 2 {
			return nil
		}
		return []string{"/bin/sh", "-c", hc.Test[1]}
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// startHealth begins health checks for the run that just started; c.mu
// is held. Without an exec driver there is nothing to probe with, and the
// container honestly has no health status.
func (e *Engine) startHealth(c *Container) {
	hc := c.rec.Config.Healthcheck
	args := healthArgs(hc)
	if args == nil || e.drv.Exec == nil {
		c.rec.State.Health = nil
		return
	}
	c.rec.State.Health = &container.Health{Status: container.Starting, Log: []*container.HealthcheckResult{}}
	e.wg.Add(1)
	go e.healthLoop(c, *hc, args, c.stopped, c.rec.State.StartedAt)
}

// healthLoop probes until the run ends.
func (e *Engine) healthLoop(c *Container, hc container.HealthConfig, args []string, stopped <-chan struct{}, started time.Time) {
	defer e.wg.Done()
	interval := orDefault(hc.Interval, defaultProbeInterval)
	startInterval := orDefault(hc.StartInterval, defaultStartInterval)
	for {
		wait := interval
		inStart := hc.StartPeriod > 0 && e.now().Sub(started) < hc.StartPeriod
		if inStart {
			wait = startInterval
		}
		select {
		case <-stopped:
			return
		case <-e.ctx.Done():
			return
		case <-time.After(wait):
		}
		res := e.probe(c, hc, args)
		c.mu.Lock()
		if c.stopped != stopped {
			c.mu.Unlock()
			return
		}
		inStart = hc.StartPeriod > 0 && res.Start.Sub(started) < hc.StartPeriod
		e.recordProbe(c, hc, res, inStart)
		c.mu.Unlock()
	}
}

// probe runs the test once, bounded by the timeout. dockerd runs a probe
// as an exec and says so: exec_create, exec_start and exec_die events,
// with the exec's ID and the probe's exit code (-1 when it did not end).
func (e *Engine) probe(c *Container, hc container.HealthConfig, args []string) *container.HealthcheckResult {
	timeout := orDefault(hc.Timeout, defaultProbeTimeout)
	ctx, cancel := context.WithTimeout(e.ctx, timeout)
	defer cancel()
	execID := newID()
	c.mu.Lock()
	id, cfg := c.rec.ID, c.rec.Config
	e.event(e.ctx, c, execAction(mevents.ActionExecCreate, args), map[string]string{"execID": execID})
	e.event(e.ctx, c, execAction(mevents.ActionExecStart, args), map[string]string{"execID": execID})
	c.mu.Unlock()
	var out limitedBuffer
	res := &container.HealthcheckResult{Start: e.now()}
	code, err := e.drv.Exec.Exec(ctx, id, driver.Process{Args: args, Env: processEnv(cfg), WorkingDir: cfg.WorkingDir, User: cfg.User},
		driver.Streams{Stdout: &out, Stderr: &out}, nil)
	res.End = e.now()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		res.ExitCode, res.Output = -1, fmt.Sprintf("Health check exceeded timeout (%v)", timeout)
	case err != nil:
		res.ExitCode, res.Output = -1, err.Error()
	default:
		res.ExitCode, res.Output = code, out.String()
	}
	c.mu.Lock()
	e.event(e.ctx, c, mevents.ActionExecDie, map[string]string{"execID": execID, "exitCode": itoa(res.ExitCode)})
	c.mu.Unlock()
	return res
}

// recordProbe applies a probe result as dockerd's handleProbeResult:
// failures in the start period do not count. c.mu is held.
func (e *Engine) recordProbe(c *Container, hc container.HealthConfig, res *container.HealthcheckResult, inStart bool) {
	h := c.rec.State.Health
	if h == nil {
		return
	}
	old := h.Status
	h.Log = append(h.Log, res)
	if len(h.Log) > maxHealthLog {
		h.Log = h.Log[len(h.Log)-maxHealthLog:]
	}
	retries := hc.Retries
	if retries <= 0 {
		retries = defaultProbeRetries
	}
	if res.ExitCode == 0 {
		h.FailingStreak = 0
		h.Status = container.Healthy
	} else if !(inStart && h.Status == container.Starting) {
		h.FailingStreak++
		if h.FailingStreak >= retries {
			h.Status = container.Unhealthy
		}
	}
	c.notify()
	if err := e.persist(c); err != nil {
		e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("record health")
	}
	if h.Status != old {
		e.event(e.ctx, c, mevents.Action(string(mevents.ActionHealthStatus)+": "+string(h.Status)), nil)
	}
}

// limitedBuffer keeps the first maxHealthOutput bytes of probe output.
type limitedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := maxHealthOutput - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
