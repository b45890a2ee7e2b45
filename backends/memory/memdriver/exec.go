package memdriver

import (
	"context"
	"strings"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox"
)

// Exec runs p in the running container id and waits for it. When ctx is
// done first, the process is killed.
func (d *Driver) Exec(ctx context.Context, id string, p driver.Process, io driver.Streams, started func(pid int)) (int, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return 0, err
	}
	if !c.running() {
		return 0, errdefs.ErrConflict.WithMessage("container " + id + " is not running")
	}
	proc, err := c.sb.Start(ctx, sandbox.ProcessConfig{
		Args: p.Args, Env: p.Env, Dir: p.WorkingDir, User: p.User, TTY: p.TTY || io.TTY,
		Stdin: io.Stdin, Stdout: io.Stdout, Stderr: io.Stderr,
	})
	if err != nil {
		return 0, err
	}
	if started != nil {
		started(proc.PID())
	}
	forwardResize(proc, io.Resize)
	select {
	case <-proc.Done():
	case <-ctx.Done():
		proc.Signal(9)
		<-proc.Done()
	}
	return proc.Wait(), nil
}

// running reports whether the main process runs.
func (c *ctr) running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.main == nil {
		return false
	}
	select {
	case <-c.main.Done():
		return false
	default:
		return true
	}
}

// Top lists the container's processes.
func (d *Driver) Top(ctx context.Context, id string) ([]driver.ProcessInfo, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []driver.ProcessInfo
	for _, p := range c.sb.Processes() {
		out = append(out, driver.ProcessInfo{PID: p.PID, PPID: p.PPID, User: p.User, Started: p.Started, Command: strings.Join(p.Args, " "), CPU: p.CPU})
	}
	return out, nil
}

// Stats measures the container: CPU time of its processes (the time their
// WebAssembly code ran), the WebAssembly memory in use and the PIDs.
func (d *Driver) Stats(ctx context.Context, id string) (driver.Usage, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return driver.Usage{}, err
	}
	u := c.sb.Usage()
	return driver.Usage{
		Read:        time.Now(),
		CPUNanos:    uint64(u.CPU.Nanoseconds()),
		SystemNanos: systemCPUNanos(),
		OnlineCPUs:  onlineCPUs(),
		MemoryBytes: u.Memory,
		MemoryLimit: memoryLimit(),
		PIDs:        uint64(u.PIDs),
	}, nil
}

// Resize changes the terminal size of the main process.
func (d *Driver) Resize(ctx context.Context, id string, size driver.TermSize) error {
	c, err := d.get(ctx, id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.main == nil {
		return errdefs.ErrConflict.WithMessage("container " + id + " is not running")
	}
	c.main.Resize(size.Height, size.Width)
	return nil
}
