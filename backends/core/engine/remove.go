package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
)

// RemoveOptions are a container remove request.
type RemoveOptions struct {
	Force         bool
	RemoveVolumes bool
	RemoveLink    bool
}

// Remove deletes container ref. A running container needs Force, as in
// dockerd; it is killed first.
func (e *Engine) Remove(ctx context.Context, ref string, opts RemoveOptions) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	if opts.RemoveLink {
		return errdefs.ErrInvalidArgument.WithMessage("Conflict, cannot remove the default link name of the container")
	}
	return e.remove(ctx, c, opts)
}

func (e *Engine) remove(ctx context.Context, c *Container, opts RemoveOptions) error {
	c.mu.Lock()
	if c.removed {
		c.mu.Unlock()
		return notFound(c.rec.ID)
	}
	if c.removing {
		c.mu.Unlock()
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("removal of container %s is already in progress", c.rec.ID))
	}
	if c.task != nil || c.restart != nil {
		if !opts.Force {
			defer c.mu.Unlock()
			if c.rec.State.Status == StatusPaused {
				return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container %q: container is paused and must be unpaused first", c.rec.Name))
			}
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container %q: container is %s: stop the container before removing or force remove", c.rec.Name, c.rec.State.Status))
		}
		c.removing = true
		c.mu.Unlock()
		if err := e.killAndWait(ctx, c); err != nil {
			c.mu.Lock()
			c.removing = false
			c.mu.Unlock()
			return err
		}
		c.mu.Lock()
	}
	c.removing = true
	c.removeVolumes = opts.RemoveVolumes || c.rec.HostConfig.AutoRemove
	s := c.rec.State
	s.Status = StatusRemoving
	err := e.setState(c, s)
	c.mu.Unlock()
	if err != nil {
		c.mu.Lock()
		c.removing = false
		c.mu.Unlock()
		return err
	}
	return e.finishRemove(ctx, c)
}

// killAndWait ends c's main process (or pending restart) for a forced removal.
func (e *Engine) killAndWait(ctx context.Context, c *Container) error {
	c.mu.Lock()
	c.canceled = true
	if e.cancelRestart(c) {
		c.mu.Unlock()
		return nil
	}
	task, stopped, paused := c.task, c.stopped, c.rec.State.Status == StatusPaused
	c.mu.Unlock()
	if task == nil {
		return nil
	}
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionKill, map[string]string{"signal": itoa(int(syscall.SIGKILL))})
	c.mu.Unlock()
	if err := task.Signal(ctx, syscall.SIGKILL); err != nil {
		e.log.Debug().Err(err).Str("container_id", c.rec.ID).Msg("kill for removal")
	}
	if paused {
		e.unpauseForKill(ctx, c)
	}
	select {
	case <-stopped:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("could not kill container %s: %w", c.rec.ID, ctx.Err())
	}
}

// finishRemove releases everything of c and deletes its record. A driver
// that fails to release leaves the container dead, as dockerd.
func (e *Engine) finishRemove(ctx context.Context, c *Container) error {
	id := c.rec.ID
	if err := e.drv.Lifecycle.Remove(ctx, id); err != nil && !errdefs.IsNotFound(err) {
		c.mu.Lock()
		c.removing = false
		_ = e.setState(c, State{Status: StatusDead, ExitCode: c.rec.State.ExitCode, StartedAt: c.rec.State.StartedAt, FinishedAt: c.rec.State.FinishedAt})
		c.mu.Unlock()
		return fmt.Errorf("unable to remove container %s: %w", id, err)
	}
	if e.drv.Network != nil {
		for _, ep := range c.rec.Networks {
			if ep != nil {
				_ = e.drv.Network.Disconnect(ctx, id, ep.NetworkID)
			}
		}
	}
	var neighbours []string
	if e.nets != nil {
		neighbours = e.neighbours(id)
		e.nets.Release(ctx, id)
	}
	e.untrackHosts(id)
	if e.vols != nil {
		c.mu.Lock()
		rmVols := c.removeVolumes
		c.mu.Unlock()
		if err := e.vols.Release(ctx, id, rmVols); err != nil {
			e.log.Warn().Err(err).Str("container_id", id).Msg("remove anonymous volumes")
		}
	}
	e.refreshHosts(ctx, neighbours...)
	if err := os.RemoveAll(e.containerDir(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("unable to remove container %s directory: %w", id, err)
	}
	if err := e.st.Delete(kind, id); err != nil {
		return err
	}
	// Lock order is always c.mu before e.mu: take them one at a time. The
	// maps forget the container before waiters on "removed" wake up.
	c.mu.Lock()
	execs := make([]string, 0, len(c.execs))
	for x := range c.execs {
		execs = append(execs, x)
	}
	name := c.rec.Name
	c.mu.Unlock()
	e.mu.Lock()
	delete(e.byID, id)
	if e.names[name] == id {
		delete(e.names, name)
	}
	for _, x := range execs {
		delete(e.execs, x)
	}
	e.mu.Unlock()
	c.mu.Lock()
	c.removed = true
	c.notify()
	e.event(ctx, c, mevents.ActionDestroy, nil)
	c.mu.Unlock()
	return nil
}
