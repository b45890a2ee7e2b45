package sandbox

import (
	"fmt"
	"syscall"

	"github.com/containerd/errdefs"
)

// Exit statuses of a command that could not be run, as POSIX shells use.
const (
	exitNotFound  = 127
	exitCannotRun = 126
)

// ExecError reports a command that could not be run. It wraps
// errdefs.ErrNotFound when the command does not exist (exit status 127) and
// errdefs.ErrInvalidArgument when it exists but cannot run (126), so that
// callers can reproduce Docker's semantics.
type ExecError struct {
	// Name is the command as given (argv[0]).
	Name string
	// Code is the exit status a shell reports: 127 or 126.
	Code int
	// Reason explains a 126 ("Permission denied", "native program...").
	Reason string
}

// Error returns runc's wording, as Docker shows it in State.Error.
func (e *ExecError) Error() string {
	if e.Code == exitNotFound {
		return fmt.Sprintf("exec: %q: executable file not found in $PATH", e.Name)
	}
	return fmt.Sprintf("exec: %q: %s", e.Name, e.Reason)
}

// Unwrap returns the error class.
func (e *ExecError) Unwrap() error {
	if e.Code == exitNotFound {
		return errdefs.ErrNotFound
	}
	return errdefs.ErrInvalidArgument
}

// shellMessage is what sh prints for the error (busybox ash wording).
func (e *ExecError) shellMessage(shell string) string {
	if e.Code == exitNotFound {
		return fmt.Sprintf("%s: %s: not found\n", shell, e.Name)
	}
	return fmt.Sprintf("%s: %s: %s\n", shell, e.Name, e.Reason)
}

// signalError is the cancellation cause of a process ended by a signal.
type signalError syscall.Signal

func (s signalError) Error() string { return "killed by signal " + syscall.Signal(s).String() }

// ExitCode is 128+n, as a shell reports a process killed by signal n.
func (s signalError) ExitCode() int { return 128 + int(s) }
