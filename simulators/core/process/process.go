// Package process runs a simulator's workloads (ECS containers, Lambda
// handlers, Cloud Run jobs, Azure container apps) as real host processes.
//
// A workload's argv runs directly, without a shell, as a container runtime
// execs its entrypoint and command; its exit code is the process's, with
// Docker's 128+signal convention for a process killed by a signal (137 for
// SIGKILL, 143 for SIGTERM), which is what the clouds report for containers.
// Each process leads its own process group so that a stop reaches the
// children a shell script started.
package process

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Spec describes one process.
type Spec struct {
	Argv   []string  // program and arguments; Argv[0] is looked up in PATH
	Env    []string  // KEY=VALUE, the whole environment
	Dir    string    // working directory ("" is the simulator's)
	Stdin  io.Reader // nil reads nothing
	Stdout io.Writer // nil discards
	Stderr io.Writer // nil discards
	// Credential, when set, is the user and group the process runs as.
	Credential *syscall.Credential
}

// Process is a started workload.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}

	mu       sync.Mutex
	exitCode int
	maxRSS   int64
	stopped  bool
}

// Start starts spec. The error is the runtime's when the program cannot be
// started at all (not found, not executable), which the clouds report as a
// failure to start rather than as an exit code.
func Start(spec Spec) (*Process, error) {
	if len(spec.Argv) == 0 {
		return nil, errors.New("process: empty command")
	}
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = spec.Env
	cmd.Dir = spec.Dir
	cmd.Stdin = spec.Stdin
	cmd.Stdout = spec.Stdout
	cmd.Stderr = spec.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: spec.Credential}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Argv[0], err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go p.wait()
	return p, nil
}

func (p *Process) wait() {
	err := p.cmd.Wait()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		ws, ok := ee.Sys().(syscall.WaitStatus)
		if ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		} else {
			code = ee.ExitCode()
		}
	case err != nil:
		code = 255 // I/O copy failure after a clean start
	}
	p.mu.Lock()
	p.exitCode = code
	if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.maxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	p.mu.Unlock()
	close(p.done)
}

// PID returns the process ID.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited and its output is flushed.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitCode returns the exit code; it is valid once [Process.Done] is closed.
func (p *Process) ExitCode() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitCode
}

// MaxRSS returns the peak resident set size in bytes of the process (its
// largest child included, as getrusage reports); valid once Done is closed.
func (p *Process) MaxRSS() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxRSS
}

// Stop sends SIGTERM to the process group and SIGKILL after grace if it
// has not exited, as `docker stop -t` and ECS's stopTimeout do. It returns
// when the process has exited.
func (p *Process) Stop(grace time.Duration) {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	pgid := -p.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return
	case <-t.C:
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	<-p.done
}

// Stopped reports whether [Process.Stop] was called.
func (p *Process) Stopped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped
}
