// Package agentdriver is the Agent layer of a backend's driver chains
// (api/driver: Agent → Process → Synthetic): [driver.Exec],
// [driver.Filesystem] and [driver.Resizer] served through the
// sockerless-agent inside the container, whichever way the backend reaches
// it (forward dial or reverse connection).
package agentdriver

import (
	"context"
	"io"

	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// Layer serves exec, archives and resizes through container agents.
type Layer struct {
	// Conn returns the agent connection of container id.
	Conn func(ctx context.Context, id string) (*client.Conn, error)
}

var (
	_ driver.Exec       = Layer{}
	_ driver.Filesystem = Layer{}
	_ driver.Resizer    = Layer{}
)

// Exec implements [driver.Exec].
func (l Layer) Exec(ctx context.Context, id string, p driver.Process, s driver.Streams, started func(int)) (int, error) {
	c, err := l.Conn(ctx, id)
	if err != nil {
		return 0, err
	}
	spec := client.ExecSpec{Args: p.Args, Env: p.Env, WorkingDir: p.WorkingDir, User: p.User, TTY: p.TTY}
	return c.Exec(ctx, spec, Streams(ctx, s), started)
}

// Streams adapts the core's streams to the agent client's; resizes are
// forwarded until ctx ends.
func Streams(ctx context.Context, s driver.Streams) client.Streams {
	cs := client.Streams{Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr}
	if s.Resize == nil {
		return cs
	}
	ch := make(chan client.Size, 1)
	go func() {
		for {
			select {
			case sz, ok := <-s.Resize:
				if !ok {
					return
				}
				select {
				case ch <- client.Size{Height: uint16(sz.Height), Width: uint16(sz.Width)}:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	cs.Resize = ch
	return cs
}

// Resize implements [driver.Resizer] for the main process's terminal.
func (l Layer) Resize(ctx context.Context, id string, size driver.TermSize) error {
	c, err := l.Conn(ctx, id)
	if err != nil {
		return err
	}
	return c.Resize(ctx, uint16(size.Height), uint16(size.Width))
}

// StatPath implements [driver.Filesystem].
func (l Layer) StatPath(ctx context.Context, id, path string) (driver.PathStat, error) {
	c, err := l.Conn(ctx, id)
	if err != nil {
		return driver.PathStat{}, err
	}
	st, err := c.Stat(ctx, path)
	return pathStat(st), err
}

// GetArchive implements [driver.Filesystem].
func (l Layer) GetArchive(ctx context.Context, id, path string) (io.ReadCloser, driver.PathStat, error) {
	c, err := l.Conn(ctx, id)
	if err != nil {
		return nil, driver.PathStat{}, err
	}
	rc, st, err := c.GetArchive(ctx, path)
	return rc, pathStat(st), err
}

// PutArchive implements [driver.Filesystem].
func (l Layer) PutArchive(ctx context.Context, id, path string, r io.Reader, opts driver.ArchiveOptions) error {
	c, err := l.Conn(ctx, id)
	if err != nil {
		return err
	}
	return c.PutArchive(ctx, path, r, client.PutOptions{NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir, CopyUIDGID: opts.CopyUIDGID})
}

// Export implements [driver.Filesystem]: the agent serves paths, not a
// whole root file system export.
func (l Layer) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	return nil, driver.ErrUnsupported
}

// Changes implements [driver.Filesystem]: the agent has no image layers
// to compare with.
func (l Layer) Changes(ctx context.Context, id string) ([]driver.Change, error) {
	return nil, driver.ErrUnsupported
}

func pathStat(st client.Stat) driver.PathStat {
	return driver.PathStat{Name: st.Name, Size: st.Size, Mode: st.Mode, Mtime: st.Mtime, LinkTarget: st.LinkTarget}
}
