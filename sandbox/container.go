package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	"mvdan.cc/sh/v3/interp"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// Mount makes a host directory visible inside a container.
type Mount = rootfs.Mount

// ContainerConfig describes a container's file system.
type ContainerConfig struct {
	// Root is the host directory holding the container's root file system
	// (see [WriteSkeleton]).
	Root     string
	Hostname string
	Mounts   []Mount
}

// Container is a root file system with the processes running in it.
type Container struct {
	rt   *Runtime
	cfg  ContainerConfig
	fs   *rootfs.FS
	ctx  context.Context
	stop context.CancelCauseFunc

	mu      sync.Mutex
	lastPID int
	procs   map[int]*Process
	closed  bool
	wg      sync.WaitGroup
	cpuDone time.Duration // CPU time of the processes that ended
	killed  map[jobKey]*killedJob
}

// killedJob is a background job that was killed.
type killedJob struct {
	sig      syscall.Signal
	reported bool
}

// ErrClosed is returned by [Container.Start] after [Container.Close].
var ErrClosed = errors.New("sandbox: container is closed")

// NewContainer prepares a container: it creates the mount points inside the
// root (as Docker does) and resolves nothing else until a process runs.
func (r *Runtime) NewContainer(cfg ContainerConfig) (*Container, error) {
	if fi, err := os.Stat(cfg.Root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("sandbox: root %q is not a directory: %w", cfg.Root, errors.Join(err, syscall.ENOTDIR))
	}
	bare, err := rootfs.New(cfg.Root, nil)
	if err != nil {
		return nil, err
	}
	// Mount points are created, and their paths resolved through the
	// image's symlinks (/var/run -> /run), as Docker does at mount time.
	mounts := slices.Clone(cfg.Mounts)
	for i, m := range mounts {
		if !path.IsAbs(m.Target) {
			return nil, fmt.Errorf("sandbox: mount target %q is not absolute", m.Target)
		}
		if err := mkdirAll(bare, m.Target); err != nil {
			return nil, fmt.Errorf("sandbox: mount point %s: %w", m.Target, err)
		}
		res, err := bare.Resolve(m.Target, true)
		if err != nil {
			return nil, fmt.Errorf("sandbox: mount point %s: %w", m.Target, err)
		}
		mounts[i].Target = res.Container
	}
	fsys, err := rootfs.New(cfg.Root, mounts)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	ctx, stop := context.WithCancelCause(context.Background())
	return &Container{rt: r, cfg: cfg, fs: fsys, ctx: ctx, stop: stop, procs: map[int]*Process{}}, nil
}

// mkdirAll creates the container directory p and its parents inside fsys.
func mkdirAll(fsys *rootfs.FS, p string) error {
	p = path.Clean("/" + p)
	if p == "/" {
		return nil
	}
	res, err := fsys.Resolve(p, true)
	if errors.Is(err, fs.ErrNotExist) { // a parent is missing
		if err := mkdirAll(fsys, path.Dir(p)); err != nil {
			return err
		}
		res, err = fsys.Resolve(p, true)
	}
	if err != nil {
		return err
	}
	if fi, err := os.Stat(res.Host); err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: p, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if err := os.Mkdir(res.Host, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "mkdir", Path: p, Err: errors.Unwrap(err)}
	}
	return nil
}

// FS returns the container's view of the host, for callers that copy files
// in and out (docker cp).
func (c *Container) FS() *rootfs.FS { return c.fs }

// Hostname returns the configured host name.
func (c *Container) Hostname() string { return c.cfg.Hostname }

// ProcessInfo describes one process of a container, as ps and docker top
// show it.
type ProcessInfo struct {
	PID, PPID int
	Args      []string
	Started   time.Time
	User      string
	// CPU is the time the process spent running (not sleeping or blocked
	// on its streams).
	CPU time.Duration
	// Memory is the size of the process's WebAssembly linear memory in
	// bytes (0 for processes run by the host, such as the shell).
	Memory uint64
}

// Processes lists the running processes, by PID.
func (c *Container) Processes() []ProcessInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]ProcessInfo, 0, len(c.procs))
	for _, p := range c.procs {
		out = append(out, p.info())
	}
	slices.SortFunc(out, func(a, b ProcessInfo) int { return a.PID - b.PID })
	return out
}

// Usage is the measured resource use of a container.
type Usage struct {
	// CPU is the CPU time of every process so far, ended ones included.
	CPU time.Duration
	// Memory is the WebAssembly memory of the running processes, in bytes.
	Memory uint64
	// PIDs is the number of running processes.
	PIDs int
}

// Usage measures the container.
func (c *Container) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := Usage{CPU: c.cpuDone, PIDs: len(c.procs)}
	for _, p := range c.procs {
		u.CPU += p.cpu()
		u.Memory += p.mem.Load()
	}
	return u
}

// register assigns the next PID to p and lists it.
func (c *Container) register(p *Process) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if len(c.procs) == 0 {
		c.lastPID = 0 // a restarted container's main process is PID 1 again
	}
	c.lastPID++
	p.pid = c.lastPID
	c.procs[p.pid] = p
	c.wg.Add(1)
	return nil
}

func (c *Container) unregister(p *Process) {
	cpu := p.cpu()
	c.mu.Lock()
	c.cpuDone += cpu
	delete(c.procs, p.pid)
	for k := range c.killed {
		if k.shell == p {
			delete(c.killed, k)
		}
	}
	c.mu.Unlock()
	c.wg.Done()
}

// process returns the running process pid.
func (c *Container) process(pid int) (*Process, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.procs[pid]
	return p, ok
}

// killJob signals the running commands of a background job and keeps it
// from starting more.
func (c *Container) killJob(key jobKey, sig syscall.Signal) error {
	c.mu.Lock()
	var procs []*Process
	for _, p := range c.procs {
		if key.contains(p.job) {
			procs = append(procs, p)
		}
	}
	if terminatingSignals[sig] {
		if c.killed == nil {
			c.killed = map[jobKey]*killedJob{}
		}
		c.killed[key] = &killedJob{sig: sig}
	}
	c.mu.Unlock()
	for _, p := range procs {
		if err := p.Signal(sig); err != nil {
			return err
		}
	}
	if len(procs) > 0 && terminatingSignals[sig] {
		c.mu.Lock()
		c.killed[key].reported = true // the running command reports the signal
		c.mu.Unlock()
	}
	return nil
}

// errJobKilled stops a killed job's goroutine in the interpreter.
var errJobKilled = errors.New("background job killed")

// jobKilled tells the shell what a command of a killed job does instead of
// running: the first one ends with 128+signal (so that "wait $!" reports
// it, as for a job killed while it ran), later ones stop the job's
// goroutine with an error.
//
// # Notes
//
//   - A job that loops after being killed is stopped by that error; if the
//     shell then waits for it by PID, the interpreter ends the shell too.
func (c *Container) jobKilled(key jobKey) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var k *killedJob
	for job, kj := range c.killed {
		if job.contains(key) {
			k = kj
		}
	}
	switch {
	case k == nil:
		return nil
	case !k.reported:
		k.reported = true
		return interp.ExitStatus(uint8(128 + int(k.sig)))
	}
	return errJobKilled
}

// Close kills every process of the container and waits for them to end.
//
// # Notes
//
//   - An applet is stopped at its next system call (see
//     [Process.exitIfKilled]); one computing without any is waited for at
//     most closeGrace, and Close then reports it.
func (c *Container) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop(signalError(syscall.SIGKILL))
	done := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(closeGrace):
		return fmt.Errorf("sandbox: %d processes did not stop within %v of SIGKILL: %w", len(c.Processes()), closeGrace, errdefs.ErrUnavailable)
	}
}

// closeGrace bounds how long Close waits for killed processes.
const closeGrace = 10 * time.Second
