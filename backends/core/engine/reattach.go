package engine

import (
	"context"

	"github.com/sockerless/sockerless/api/driver"
)

// Reattacher is implemented (in [driver.Driver.Extra]) by drivers whose
// containers run outside the backend process, such as cloud tasks, and so
// outlive a backend restart. With such a driver the engine behaves as
// dockerd with live-restore: its shutdown leaves the containers running.
type Reattacher interface {
	// Reattach returns the task of a container that was running when the
	// backend stopped, with its output going to streams from now on, or
	// an error when it no longer runs.
	Reattach(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error)
}

// reattach keeps a container recorded as running when the driver still
// runs it: the core monitors the task again instead of recording the exit
// (255) of a process that died with the daemon. c is not yet shared.
func (e *Engine) reattach(ctx context.Context, c *Container) bool {
	ra, ok := e.drv.Extra.(Reattacher)
	if !ok || c.rec.State.Status != StatusRunning {
		return false
	}
	run, err := e.openRun(c)
	if err != nil {
		e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("reattach: open log")
		return false
	}
	// The driver learns the endpoints again first (a cloud driver keeps
	// them in memory, and withdraws the names when the task stops).
	if e.nets != nil {
		if err := e.connect(ctx, &c.rec); err != nil {
			e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("reattach: connect")
		}
	}
	task, err := ra.Reattach(ctx, e.spec(c), run.streams(c))
	if err != nil {
		run.close()
		e.log.Info().Err(err).Str("container_id", c.rec.ID).Msg("container no longer runs")
		return false
	}
	c.task, c.logw, c.stopped, c.resize = task, run.logw, make(chan struct{}), run.resize
	c.prepared = true
	e.hostsRunning(ctx, c.rec.ID, true)
	e.startHealth(c)
	e.log.Info().Str("container_id", c.rec.ID).Msg("reattached to running container")
	e.wg.Add(1)
	go e.monitor(c, task, run)
	return true
}

// liveRestore reports whether containers outlive the backend, as with
// dockerd's live-restore: the daemon's shutdown leaves them running and
// its next start reattaches them.
func (e *Engine) liveRestore() bool {
	_, ok := e.drv.Extra.(Reattacher)
	return ok
}
