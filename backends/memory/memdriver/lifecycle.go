package memdriver

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox"
)

// Create prepares the container's root: spec.RootFS (the image's layers,
// unpacked by the core) plus the sandbox's skeleton, and its mounts.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	root := spec.RootFS
	if root == "" {
		if d.opts.DataDir == "" {
			return errdefs.ErrInvalidArgument.WithMessage("memory backend: container " + spec.ID + " has no root file system")
		}
		root = filepath.Join(d.containerDir(spec.ID), "rootfs")
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("memory backend: root of %s: %w", spec.ID, err)
	}
	hostname := spec.Hostname
	if hostname == "" && len(spec.ID) >= 12 {
		hostname = spec.ID[:12]
	}
	if err := sandbox.WriteSkeleton(root, hostname); err != nil {
		return fmt.Errorf("memory backend: %w", err)
	}
	var mounts []sandbox.Mount
	if spec.ReadOnlyRoot {
		// The root as a read-only mount of itself: the other mounts,
		// longer targets, stay as they are.
		mounts = append(mounts, sandbox.Mount{Source: root, Target: "/", ReadOnly: true})
	}
	for _, m := range spec.Mounts {
		mounts = append(mounts, sandbox.Mount{Source: m.Source, Target: m.Destination, ReadOnly: m.ReadOnly})
	}
	sb, err := d.rt.NewContainer(sandbox.ContainerConfig{Root: root, Hostname: hostname, Mounts: mounts})
	if err != nil {
		return fmt.Errorf("memory backend: %w", err)
	}
	var file string
	if dir := d.containerDir(spec.ID); dir != "" {
		file = filepath.Join(dir, "changes-baseline.json")
		if err := saveSpec(dir, spec); err != nil {
			sb.Close()
			return fmt.Errorf("memory backend: %w", err)
		}
	}
	base, err := baseline(root, file)
	if err != nil {
		sb.Close()
		return fmt.Errorf("memory backend: scan root of %s: %w", spec.ID, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.ctrs[spec.ID]; ok {
		old.sb.Close()
	}
	c := &ctr{id: spec.ID, root: root, sb: sb, baselineFile: file}
	if file == "" {
		c.baseline = base
	}
	d.ctrs[spec.ID] = c
	return nil
}

// Start runs the container's main process, spec.Path with spec.Args.
func (d *Driver) Start(ctx context.Context, spec driver.Spec, io driver.Streams) (driver.Task, error) {
	c, err := d.get(ctx, spec.ID)
	if errdefs.IsNotFound(err) { // created by a daemon that kept no state
		if err = d.Create(ctx, spec); err == nil {
			c, err = d.get(ctx, spec.ID)
		}
	}
	if err != nil {
		return nil, err
	}
	p, err := c.sb.Start(ctx, sandbox.ProcessConfig{
		Args: append([]string{spec.Path}, spec.Args...), Env: spec.Env, Dir: spec.WorkingDir,
		User: spec.User, TTY: spec.TTY, Stdin: io.Stdin, Stdout: io.Stdout, Stderr: io.Stderr,
	})
	if err != nil {
		return nil, err
	}
	forwardResize(p, io.Resize)
	c.mu.Lock()
	c.main = p
	c.mu.Unlock()
	return &task{p: p}, nil
}

// saveSpec keeps what a restarted daemon needs to set the container up
// again (see [Driver.get]).
func saveSpec(dir string, spec driver.Spec) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "spec.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "spec.json"))
}

// forwardResize applies terminal size changes until p ends.
func forwardResize(p *sandbox.Process, sizes <-chan driver.TermSize) {
	if sizes == nil {
		return
	}
	go func() {
		for {
			select {
			case s := <-sizes:
				p.Resize(s.Height, s.Width)
			case <-p.Done():
				return
			}
		}
	}()
}

// Remove kills what is left of the container and forgets it. The root in
// spec.RootFS belongs to the core; the driver's own files (a root it made,
// the Changes baseline) are deleted.
func (d *Driver) Remove(ctx context.Context, id string) error {
	d.mu.Lock()
	c, ok := d.ctrs[id]
	delete(d.ctrs, id)
	d.mu.Unlock()
	if !ok {
		return errdefs.ErrNotFound.WithMessage("No such container: " + id)
	}
	err := c.sb.Close()
	if dir := d.containerDir(id); dir != "" {
		if rerr := os.RemoveAll(dir); err == nil {
			err = rerr
		}
	}
	return err
}

// task is a running main process.
type task struct{ p *sandbox.Process }

// PID implements [driver.Task].
func (t *task) PID() int { return t.p.PID() }

// Wait implements [driver.Task].
func (t *task) Wait(ctx context.Context) (driver.ExitStatus, error) {
	select {
	case <-t.p.Done():
		return driver.ExitStatus{Code: t.p.Wait(), FinishedAt: t.p.Finished()}, nil
	case <-ctx.Done():
		return driver.ExitStatus{}, ctx.Err()
	}
}

// Signal implements [driver.Task]. SIGTERM, SIGKILL, SIGINT, SIGHUP...
// end the process (exit 128+n); stopping signals are not supported.
func (t *task) Signal(ctx context.Context, sig syscall.Signal) error {
	if err := t.p.Signal(sig); err != nil {
		if errdefs.IsNotImplemented(err) {
			return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("signal %s is not supported by the memory backend: its sandbox cannot stop or continue a process", sig))
		}
		if errdefs.IsNotFound(err) {
			return nil // already exited: the core's monitor records it
		}
		return err
	}
	return nil
}
