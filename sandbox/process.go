package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
)

// ProcessConfig describes a process to start in a container.
type ProcessConfig struct {
	// Args is argv; Args[0] is looked up in $PATH unless it has a slash.
	Args []string
	// Env is the environment, KEY=VALUE. PATH, HOME and HOSTNAME get
	// Docker's defaults when missing.
	Env []string
	// Dir is the working directory inside the container ("/" when empty);
	// it is created when missing, as Docker creates WorkingDir.
	Dir string
	// User is "name", "uid", "name:group" or "uid:gid", looked up in the
	// container's /etc/passwd and /etc/group.
	User string
	// TTY makes the process write to one terminal: Stderr is ignored and
	// "\n" is written as "\r\n", as a pty does.
	TTY    bool
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Process is a running command tree in a container.
type Process struct {
	c       *Container
	pid     int
	ppid    int
	args    []string
	user    *user
	started time.Time
	ctx     context.Context
	cancel  context.CancelCauseFunc
	done    chan struct{}
	code    int
	ended   time.Time
	job     jobKey
	traps   map[syscall.Signal]string // a shell's signal traps, see traps.go
	pending []syscall.Signal

	// blocked is the time spent sleeping or waiting on streams; running
	// is set while a WebAssembly instance runs (see [Process.cpu]).
	mu       sync.Mutex
	blocked  time.Duration
	ran      time.Duration
	runSince time.Time
	mem      atomic.Uint64
	winsize  atomic.Uint64
}

// PID returns the process ID inside the container (1 for the first).
func (p *Process) PID() int { return p.pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits for the process to exit and returns its exit status: 128+n
// when it was killed by signal n.
func (p *Process) Wait() int {
	<-p.done
	return p.code
}

// Finished returns when the process exited (zero while it runs).
func (p *Process) Finished() time.Time {
	select {
	case <-p.done:
		return p.ended
	default:
		return time.Time{}
	}
}

// Resize records the terminal size (applets see it as $LINES/$COLUMNS when
// they start).
func (p *Process) Resize(h, w uint) {
	p.winsize.Store(uint64(h)<<32 | uint64(uint32(w)))
}

// terminatingSignals end a process, as their default action does.
var terminatingSignals = map[syscall.Signal]bool{
	syscall.SIGHUP: true, syscall.SIGINT: true, syscall.SIGQUIT: true, syscall.SIGKILL: true,
	syscall.SIGTERM: true, syscall.SIGUSR1: true, syscall.SIGUSR2: true, syscall.SIGPIPE: true,
	syscall.SIGALRM: true, syscall.SIGABRT: true,
}

// Signal delivers sig to the process and its children. Terminating signals
// end the tree, whose exit status becomes 128+sig; signal 0 checks that it
// runs. Stopping and continuing (SIGSTOP, SIGCONT...) are not supported.
func (p *Process) Signal(sig syscall.Signal) error {
	select {
	case <-p.done:
		return fmt.Errorf("process %d already exited: %w", p.pid, errdefs.ErrNotFound)
	default:
	}
	switch {
	case sig == 0:
		return nil
	case sig == syscall.SIGWINCH || sig == syscall.SIGCHLD || sig == syscall.SIGURG:
		return nil // ignored by default, as the kernel does
	case sig != syscall.SIGKILL && p.trapped(sig):
		return nil
	case terminatingSignals[sig]:
		p.cancel(signalError(sig))
		return nil
	}
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("signal %d (%s) is not supported by the sockerless sandbox", int(sig), sig))
}

// exitCode turns how a process ended into its exit status: a signal wins
// over what the process returned.
func exitCode(ctx context.Context, code int) int {
	var sig signalError
	if errors.As(context.Cause(ctx), &sig) {
		return sig.ExitCode()
	}
	return code
}

func (p *Process) info() ProcessInfo {
	return ProcessInfo{
		PID: p.pid, PPID: p.ppid, Args: p.args, Started: p.started,
		User: p.user.name, CPU: p.cpu(), Memory: p.mem.Load(),
	}
}

// cpu is the time the process's WebAssembly instances ran, less the time
// they slept or waited on their streams.
func (p *Process) cpu() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.ran - p.blocked
	if !p.runSince.IsZero() {
		d += time.Since(p.runSince)
	}
	return max(d, 0)
}

// addBlocked records time the process did not use the CPU.
func (p *Process) addBlocked(d time.Duration) {
	p.mu.Lock()
	p.blocked += d
	p.mu.Unlock()
}

// running marks the start (on) or end of an instance's run.
func (p *Process) running(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.runSince = time.Now()
		return
	}
	p.ran += time.Since(p.runSince)
	p.runSince = time.Time{}
}

// commandLine is the process's argv joined for ps.
func (p *Process) commandLine() string { return strings.Join(p.args, " ") }

type procKey struct{}

// withProcess stores the process in ctx, for the shell's handlers.
func withProcess(ctx context.Context, p *Process) context.Context {
	return context.WithValue(ctx, procKey{}, p)
}

func processFrom(ctx context.Context) *Process {
	p, _ := ctx.Value(procKey{}).(*Process)
	return p
}
