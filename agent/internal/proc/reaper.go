// Package proc runs the container's processes: the main process the agent
// wraps (with signal forwarding and replayable output) and the processes of
// exec sessions. One [Reaper] collects every exit, including those of
// orphans re-parented to the agent when it is PID 1 or a child subreaper,
// so that no zombie is left behind (what tini and docker-init do).
package proc

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER from <linux/prctl.h>.
const prSetChildSubreaper = 36

// Reaper waits for every child of the agent. Processes are started through
// it so that their exit statuses are not collected by anyone else:
// os/exec's Wait would race with a wait4(-1) loop.
type Reaper struct {
	sigs chan os.Signal
	done chan struct{}

	mu      sync.Mutex
	waiters map[int]chan syscall.WaitStatus
}

// NewReaper starts reaping. It makes the agent a child subreaper, so that
// orphans of the main process come to the agent even when it is not PID 1.
func NewReaper() *Reaper {
	r := &Reaper{sigs: make(chan os.Signal, 1), done: make(chan struct{}), waiters: map[int]chan syscall.WaitStatus{}}
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	signal.Notify(r.sigs, syscall.SIGCHLD)
	go r.loop()
	return r
}

// Close stops reaping.
func (r *Reaper) Close() {
	signal.Stop(r.sigs)
	close(r.done)
}

func (r *Reaper) loop() {
	for {
		select {
		case <-r.done:
			return
		case <-r.sigs:
			r.reapAll()
		}
	}
}

func (r *Reaper) reapAll() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		r.mu.Lock()
		ch := r.waiters[pid]
		delete(r.waiters, pid)
		r.mu.Unlock()
		if ch != nil {
			ch <- ws
		}
	}
}

// Start calls start, which starts one process, and returns a channel that
// receives the process's exit status. The registration happens before the
// reaper can look the process up, however soon it exits.
func (r *Reaper) Start(start func() (*os.Process, error)) (*os.Process, <-chan syscall.WaitStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := start()
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan syscall.WaitStatus, 1)
	r.waiters[p.Pid] = ch
	// A SIGCHLD that arrived before the registration was handled without
	// it; make the loop look again.
	select {
	case r.sigs <- syscall.SIGCHLD:
	default:
	}
	return p, ch, nil
}

// KillAll kills every process still waited for: what is left of the
// container's exec sessions when its main process has ended, as the
// container's end kills its whole PID namespace.
func (r *Reaper) KillAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for pid := range r.waiters {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// ExitCode is the shell's view of a wait status: the exit code, or 128 plus
// the number of the signal that ended the process.
func ExitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
