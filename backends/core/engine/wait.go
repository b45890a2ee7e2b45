package engine

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// Waiter blocks until the condition of a wait request holds.
type Waiter func(ctx context.Context) (container.WaitResponse, error)

// Wait prepares a wait for container ref under cond ("not-running", the
// default; "next-exit"; "removed"). Errors about the request come now, so
// the handler can answer them before it commits to a 200.
func (e *Engine) Wait(ctx context.Context, ref string, cond container.WaitCondition) (Waiter, error) {
	switch cond {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid condition: " + string(cond))
	}
	c, err := e.get(ref)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	exits := c.exits
	c.mu.Unlock()
	return func(ctx context.Context) (container.WaitResponse, error) {
		for {
			c.mu.Lock()
			var done bool
			switch cond {
			case container.WaitConditionNextExit:
				done = c.exits > exits || c.removed
			case container.WaitConditionRemoved:
				done = c.removed
			default:
				done = !c.rec.State.running() || c.removed
			}
			resp := container.WaitResponse{StatusCode: int64(c.rec.State.ExitCode)}
			// A removal clears the error, as dockerd's SetRemoved does:
			// who waited for "removed" hears only of the removal.
			if c.rec.State.Error != "" && !(cond == container.WaitConditionRemoved && c.removed) {
				resp.Error = &container.WaitExitError{Message: c.rec.State.Error}
			}
			changed := c.changed
			c.mu.Unlock()
			if done {
				return resp, nil
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return container.WaitResponse{}, ctx.Err()
			}
		}
	}, nil
}
