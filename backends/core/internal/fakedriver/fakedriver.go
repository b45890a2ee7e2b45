// Package fakedriver is a test double of [driver.Driver] for the backend
// core's tests: its "processes" are goroutines that understand a handful
// of commands (echo, cat, sleep, exit, stderr, nope). It runs nothing and
// is never a product driver.
package fakedriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// Driver is the fake. Its zero value is not usable; call [New].
type Driver struct {
	mu     sync.Mutex
	specs  map[string]driver.Spec
	tasks  map[string]*Task
	paused map[string]bool
	added  map[string][]string
	pid    atomic.Int64
	// Resizes records the sizes received, by container ID.
	Resizes map[string][]driver.TermSize
}

// New returns the fake and the [driver.Driver] bundle around it, named
// "fake", with every optional ability.
func New() (*Driver, driver.Driver) {
	d := &Driver{specs: map[string]driver.Spec{}, tasks: map[string]*Task{}, paused: map[string]bool{}, added: map[string][]string{}, Resizes: map[string][]driver.TermSize{}}
	return d, driver.Driver{Name: "fake", Lifecycle: d, Exec: d, Filesystem: fs{d}, Extra: d,
		Capabilities: driver.Capabilities{Exec: true, Attach: true, Archive: true, Pause: true, Stats: true, Top: true}}
}

var (
	_ driver.Lifecycle = (*Driver)(nil)
	_ driver.Exec      = (*Driver)(nil)
	_ driver.Pauser    = (*Driver)(nil)
	_ driver.Topper    = (*Driver)(nil)
	_ driver.Statter   = (*Driver)(nil)
)

// Create implements [driver.Lifecycle].
func (d *Driver) Create(_ context.Context, spec driver.Spec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.specs[spec.ID] = spec
	return nil
}

// Start implements [driver.Lifecycle].
func (d *Driver) Start(_ context.Context, spec driver.Spec, s driver.Streams) (driver.Task, error) {
	d.mu.Lock()
	_, created := d.specs[spec.ID]
	d.mu.Unlock()
	if !created {
		// As a driver that keeps its state in memory: Create comes first.
		return nil, errdefs.ErrNotFound.WithMessage("No such container: " + spec.ID)
	}
	if spec.User == "nosuchuser" {
		return nil, errdefs.ErrInvalidArgument.WithMessage("unable to find user nosuchuser: no matching entries in passwd file")
	}
	argv := append([]string{spec.Path}, spec.Args...)
	t, err := d.run(argv, s)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.specs[spec.ID] = spec
	d.tasks[spec.ID] = t
	d.mu.Unlock()
	return t, nil
}

// Remove implements [driver.Lifecycle].
func (d *Driver) Remove(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.specs, id)
	delete(d.tasks, id)
	return nil
}

// Exec implements [driver.Exec].
func (d *Driver) Exec(ctx context.Context, id string, p driver.Process, s driver.Streams, started func(int)) (int, error) {
	t, err := d.run(p.Args, s)
	if err != nil {
		return 0, err
	}
	if started != nil {
		started(t.pid)
	}
	st, err := t.Wait(ctx)
	return st.Code, err
}

// Task is a fake process.
type Task struct {
	pid  int
	sig  chan syscall.Signal
	done chan struct{}
	code int
}

func (d *Driver) run(argv []string, s driver.Streams) (*Task, error) {
	if len(argv) == 0 || argv[0] == "nope" {
		name := ""
		if len(argv) > 0 {
			name = argv[0]
		}
		return nil, fmt.Errorf("exec: %q: executable file not found in $PATH", name)
	}
	t := &Task{pid: int(d.pid.Add(1)), sig: make(chan syscall.Signal, 4), done: make(chan struct{})}
	out, errw := s.Stdout, s.Stderr
	if out == nil {
		out = io.Discard
	}
	if errw == nil || s.TTY {
		errw = out
	}
	go func() {
		defer close(t.done)
		t.code = t.body(argv, s.Stdin, out, errw, s.Resize)
	}()
	return t, nil
}

// body interprets argv.
func (t *Task) body(argv []string, in io.Reader, out, errw io.Writer, resize <-chan driver.TermSize) int {
	arg := strings.Join(argv[1:], " ")
	switch argv[0] {
	case "echo":
		fmt.Fprintln(out, arg)
	case "stderr":
		fmt.Fprintln(errw, arg)
	case "exit":
		n, _ := strconv.Atoi(arg)
		return n
	case "cat":
		if in == nil {
			return 0
		}
		done := make(chan struct{})
		go func() { io.Copy(out, in); close(done) }()
		select {
		case <-done:
		case s := <-t.sig:
			return 128 + int(s)
		}
	case "sleep":
		var timeout <-chan time.Time
		if n, err := strconv.ParseFloat(arg, 64); err == nil {
			timeout = time.After(time.Duration(n * float64(time.Second)))
		}
		for {
			select {
			case <-timeout:
				return 0
			case s := <-t.sig:
				if s == syscall.SIGKILL || s == syscall.SIGTERM || s == syscall.SIGINT {
					return 128 + int(s)
				}
			case size := <-resize:
				fmt.Fprintf(out, "resized %dx%d\n", size.Height, size.Width)
			}
		}
	default:
		fmt.Fprintf(errw, "%s: unknown fake command\n", argv[0])
		return 1
	}
	return 0
}

// PID implements [driver.Task].
func (t *Task) PID() int { return t.pid }

// Wait implements [driver.Task].
func (t *Task) Wait(ctx context.Context) (driver.ExitStatus, error) {
	select {
	case <-t.done:
		return driver.ExitStatus{Code: t.code, FinishedAt: time.Now()}, nil
	case <-ctx.Done():
		return driver.ExitStatus{}, ctx.Err()
	}
}

// Signal implements [driver.Task].
func (t *Task) Signal(_ context.Context, sig syscall.Signal) error {
	select {
	case <-t.done:
		return errors.New("process already finished")
	case t.sig <- sig:
		return nil
	}
}

// Pause implements [driver.Pauser].
func (d *Driver) Pause(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.paused[id] = true
	return nil
}

// Unpause implements [driver.Pauser].
func (d *Driver) Unpause(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.paused, id)
	return nil
}

// Top implements [driver.Topper].
func (d *Driver) Top(_ context.Context, id string) ([]driver.ProcessInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.tasks[id]
	if !ok {
		return nil, errors.New("no such task")
	}
	spec := d.specs[id]
	return []driver.ProcessInfo{{PID: t.pid, User: "root", Started: time.Now(), Command: strings.Join(append([]string{spec.Path}, spec.Args...), " ")}}, nil
}

// Stats implements [driver.Statter].
func (d *Driver) Stats(_ context.Context, id string) (driver.Usage, error) {
	return driver.Usage{Read: time.Now(), CPUNanos: 1e6, SystemNanos: 1e9, OnlineCPUs: 2, MemoryBytes: 4096, MemoryLimit: 1 << 30, PIDs: 1}, nil
}

// Resize implements [driver.Resizer].
func (d *Driver) Resize(_ context.Context, id string, size driver.TermSize) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Resizes[id] = append(d.Resizes[id], size)
	return nil
}
