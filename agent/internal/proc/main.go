package proc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/creack/pty"
	"golang.org/x/sync/errgroup"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// MainOptions describe the main process the agent wraps.
type MainOptions struct {
	Args []string
	// TTY runs the process on a pseudo-terminal, as docker run -t.
	TTY bool
	// OpenStdin gives the process a stdin that attached clients write to,
	// as docker run -i; without it the process gets the agent's stdin.
	OpenStdin bool
	// Stdout and Stderr are the agent's own outputs, where the process's
	// output also goes.
	Stdout, Stderr io.Writer
	// ReplayBytes is how much output attach can replay.
	ReplayBytes int
}

// Main is the running main process.
type Main struct {
	Output *Broadcast

	p    *os.Process
	tty  *os.File
	done chan struct{}
	code int

	stdinMu sync.Mutex
	stdin   io.WriteCloser
}

// StartMain starts the main process.
func (r *Reaper) StartMain(opts MainOptions) (*Main, error) {
	cmd, err := command(wire.ExecSpec{Args: opts.Args})
	if err != nil {
		return nil, err
	}
	m := &Main{Output: NewBroadcast(opts.ReplayBytes), done: make(chan struct{})}
	var outs []*os.File
	var closeAfterStart []*os.File
	if opts.TTY {
		var ws <-chan syscall.WaitStatus
		m.p, ws, err = r.Start(func() (*os.Process, error) {
			var err error
			m.tty, err = pty.Start(cmd)
			return startErr(cmd, err)
		})
		if err != nil {
			return nil, err
		}
		if opts.OpenStdin {
			m.stdin = m.tty
		}
		outs = []*os.File{m.tty}
		go m.run(ws, outs, []io.Writer{streamWriter{m.Output, wire.TypeStdout, opts.Stdout}})
		return m, nil
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	closeAfterStart = append(closeAfterStart, stdoutW, stderrW)
	if opts.OpenStdin {
		stdinR, stdinW, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin, m.stdin = stdinR, stdinW
		closeAfterStart = append(closeAfterStart, stdinR)
	} else {
		cmd.Stdin = os.Stdin
	}
	var ws <-chan syscall.WaitStatus
	m.p, ws, err = r.Start(func() (*os.Process, error) { return startErr(cmd, cmd.Start()) })
	for _, f := range closeAfterStart {
		f.Close()
	}
	if err != nil {
		stdoutR.Close()
		stderrR.Close()
		return nil, err
	}
	go m.run(ws, []*os.File{stdoutR, stderrR}, []io.Writer{
		streamWriter{m.Output, wire.TypeStdout, opts.Stdout},
		streamWriter{m.Output, wire.TypeStderr, opts.Stderr},
	})
	return m, nil
}

// run copies the output until the process has exited and its output is
// drained, then records the exit code.
func (m *Main) run(ws <-chan syscall.WaitStatus, outs []*os.File, dst []io.Writer) {
	exited, status := whenExited(ws, outs...)
	var g errgroup.Group
	for i := range outs {
		g.Go(func() error { return pump(outs[i], dst[i], exited) })
	}
	_ = g.Wait()
	m.code = ExitCode(status())
	for _, f := range outs {
		f.Close()
	}
	m.Output.Close()
	m.p.Release()
	close(m.done)
}

// PID is the main process's ID.
func (m *Main) PID() int { return m.p.Pid }

// Done is closed when the main process has exited and its output is drained.
func (m *Main) Done() <-chan struct{} { return m.done }

// ExitCode is the main process's exit code, valid once Done is closed.
func (m *Main) ExitCode() int {
	<-m.done
	return m.code
}

// Signal delivers sig to the main process.
func (m *Main) Signal(sig syscall.Signal) error {
	if err := m.p.Signal(sig); err != nil {
		if errors.Is(err, os.ErrProcessDone) {
			return errdefs.ErrConflict.WithMessage("the main process is not running")
		}
		return err
	}
	return nil
}

// Resize sets the size of the main process's terminal.
func (m *Main) Resize(height, width uint16) error {
	if m.tty == nil {
		return errdefs.ErrConflict.WithMessage("the main process has no terminal")
	}
	return pty.Setsize(m.tty, &pty.Winsize{Rows: height, Cols: width})
}

// WriteStdin writes to the main process's stdin.
func (m *Main) WriteStdin(p []byte) error {
	m.stdinMu.Lock()
	defer m.stdinMu.Unlock()
	if m.stdin == nil {
		return errdefs.ErrConflict.WithMessage("the main process's stdin is not open")
	}
	if _, err := m.stdin.Write(p); err != nil {
		return fmt.Errorf("write stdin: %w", err)
	}
	return nil
}

// CloseStdin closes the main process's stdin (docker attach's stdin EOF
// with StdinOnce). A terminal gets an end-of-file character instead.
func (m *Main) CloseStdin() error {
	m.stdinMu.Lock()
	defer m.stdinMu.Unlock()
	if m.stdin == nil {
		return nil
	}
	if m.tty != nil {
		_, err := m.tty.Write([]byte{4})
		return err
	}
	err := m.stdin.Close()
	m.stdin = nil
	return err
}
