package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// filesystem returns the driver's file system for container ref.
func (e *Engine) filesystem(ctx context.Context, ref, what string) (driver.Filesystem, string, error) {
	c, err := e.get(ref)
	if err != nil {
		return nil, "", err
	}
	if e.drv.Filesystem == nil {
		return nil, "", e.unsupported(what)
	}
	c.mu.Lock()
	err = e.prepareDriver(ctx, c)
	c.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	return e.drv.Filesystem, c.rec.ID, nil
}

func (e *Engine) fsErr(what string, err error) error {
	if errors.Is(err, driver.ErrUnsupported) {
		return e.unsupported(what)
	}
	return err
}

// StatPath describes path in container ref (HEAD /containers/{id}/archive).
func (e *Engine) StatPath(ctx context.Context, ref, path string) (driver.PathStat, error) {
	fs, id, err := e.filesystem(ctx, ref, "copying files")
	if err != nil {
		return driver.PathStat{}, err
	}
	st, err := fs.StatPath(ctx, id, path)
	return st, e.fsErr("copying files", asRef(err, id, ref))
}

// GetArchive returns a tar of path in container ref.
func (e *Engine) GetArchive(ctx context.Context, ref, path string) (io.ReadCloser, driver.PathStat, error) {
	fs, id, err := e.filesystem(ctx, ref, "copying files")
	if err != nil {
		return nil, driver.PathStat{}, err
	}
	rc, st, err := fs.GetArchive(ctx, id, path)
	return rc, st, e.fsErr("copying files", asRef(err, id, ref))
}

// PutArchive extracts a tar into path in container ref.
func (e *Engine) PutArchive(ctx context.Context, ref, path string, r io.Reader, opts driver.ArchiveOptions) error {
	fs, id, err := e.filesystem(ctx, ref, "copying files")
	if err != nil {
		return err
	}
	return e.fsErr("copying files", asRef(fs.PutArchive(ctx, id, path, r, opts), id, ref))
}

// asRef names the container in a driver's "Could not find the file P in
// container ID" as the client did, as dockerd does ("... in container
// web" for `docker cp web:/nope .`).
func asRef(err error, id, ref string) error {
	if err == nil || ref == id || !errdefs.IsNotFound(err) {
		return err
	}
	msg := err.Error()
	if !strings.HasSuffix(msg, " in container "+id) {
		return err
	}
	return errdefs.ErrNotFound.WithMessage(strings.TrimSuffix(msg, id) + ref)
}

// Export returns a tar of container ref's root file system.
func (e *Engine) Export(ctx context.Context, ref string) (io.ReadCloser, error) {
	fs, id, err := e.filesystem(ctx, ref, "export")
	if err != nil {
		return nil, err
	}
	rc, err := fs.Export(ctx, id)
	if err == nil {
		c, _ := e.get(id)
		if c != nil {
			c.mu.Lock()
			e.event(ctx, c, "export", nil)
			c.mu.Unlock()
		}
	}
	return rc, e.fsErr("export", err)
}

// Changes lists the changes of container ref's file system.
func (e *Engine) Changes(ctx context.Context, ref string) ([]driver.Change, error) {
	fs, id, err := e.filesystem(ctx, ref, "diff")
	if err != nil {
		return nil, err
	}
	ch, err := fs.Changes(ctx, id)
	if err != nil {
		return nil, e.fsErr("diff", err)
	}
	return withoutMounted(ch), nil
}

// running returns container ref when its main process runs.
func (e *Engine) running(ref string) (*Container, error) {
	c, err := e.get(ref)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.task == nil {
		return nil, notRunning(c.rec.ID)
	}
	return c, nil
}

// Top lists the processes of running container ref.
func (e *Engine) Top(ctx context.Context, ref string) ([]driver.ProcessInfo, error) {
	t, ok := e.drv.Extra.(driver.Topper)
	if !ok {
		return nil, e.unsupported("top")
	}
	c, err := e.running(ref)
	if err != nil {
		return nil, err
	}
	ps, err := t.Top(ctx, c.rec.ID)
	if err != nil {
		return nil, fmt.Errorf("top %s: %w", c.rec.ID, e.fsErr("top", err))
	}
	return ps, nil
}

// Stats measures container ref. A container that is not running has no
// usage; dockerd answers zeros for it, and so do we.
func (e *Engine) Stats(ctx context.Context, ref string) (driver.Usage, string, string, error) {
	s, ok := e.drv.Extra.(driver.Statter)
	if !ok {
		return driver.Usage{}, "", "", e.unsupported("stats")
	}
	c, err := e.get(ref)
	if err != nil {
		return driver.Usage{}, "", "", err
	}
	c.mu.Lock()
	id, name, running := c.rec.ID, c.rec.Name, c.task != nil
	c.mu.Unlock()
	if !running {
		return driver.Usage{Read: e.now()}, id, name, nil
	}
	u, err := s.Stats(ctx, id)
	if err != nil {
		return driver.Usage{}, "", "", fmt.Errorf("stats %s: %w", id, e.fsErr("stats", err))
	}
	return u, id, name, nil
}

// Resize changes the terminal size of container ref's main process: the
// driver's [driver.Resizer], else the run's resize channel.
func (e *Engine) Resize(ctx context.Context, ref string, size driver.TermSize) error {
	c, err := e.running(ref)
	if err != nil {
		return err
	}
	if r, ok := e.drv.Extra.(driver.Resizer); ok {
		if err := r.Resize(ctx, c.rec.ID, size); err != nil {
			return fmt.Errorf("resize %s: %w", c.rec.ID, e.fsErr("resize", err))
		}
	} else {
		c.mu.Lock()
		if c.resize != nil {
			sendResize(c.resize, size)
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	e.event(ctx, c, "resize", map[string]string{"height": fmt.Sprint(size.Height), "width": fmt.Sprint(size.Width)})
	c.mu.Unlock()
	return nil
}
