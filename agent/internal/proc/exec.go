package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/creack/pty"
	"golang.org/x/sync/errgroup"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// ExecIO are the streams and controls of an exec'd process. Stdin nil means
// /dev/null; with a TTY, Stderr is unused.
type ExecIO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Resize         <-chan [2]uint16 // height, width
	Signals        <-chan syscall.Signal
}

// Exec runs spec to completion and returns its exit code. started gets the
// process ID once it runs. When ctx ends first the process is killed.
func (r *Reaper) Exec(ctx context.Context, spec wire.ExecSpec, xio ExecIO, started func(pid int)) (int, error) {
	cmd, err := command(spec)
	if err != nil {
		return 0, err
	}
	if spec.TTY {
		return r.execTTY(ctx, cmd, spec, xio, started)
	}
	var closeAfterStart, closeAtEnd []*os.File
	defer func() {
		for _, f := range append(closeAfterStart, closeAtEnd...) {
			f.Close()
		}
	}()
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	closeAfterStart = append(closeAfterStart, stdoutW, stderrW)
	closeAtEnd = append(closeAtEnd, stdoutR, stderrR)
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	var stdinW *os.File
	if xio.Stdin != nil {
		stdinR, w, err := os.Pipe()
		if err != nil {
			return 0, err
		}
		stdinW, cmd.Stdin = w, stdinR
		closeAfterStart = append(closeAfterStart, stdinR)
		closeAtEnd = append(closeAtEnd, w)
	}
	p, ws, err := r.Start(func() (*os.Process, error) { return startErr(cmd, cmd.Start()) })
	if err != nil {
		return 0, err
	}
	defer p.Release()
	for _, f := range closeAfterStart {
		f.Close()
	}
	closeAfterStart = nil
	if started != nil {
		started(p.Pid)
	}
	exited, status := whenExited(ws, stdoutR, stderrR)
	if stdinW != nil {
		go func() {
			_, _ = io.Copy(stdinW, xio.Stdin)
			stdinW.Close()
		}()
	}
	go control(ctx, p, exited, xio, nil)
	var g errgroup.Group
	g.Go(func() error { return pump(stdoutR, xio.Stdout, exited) })
	g.Go(func() error { return pump(stderrR, xio.Stderr, exited) })
	code := ExitCode(status())
	return code, g.Wait()
}

func (r *Reaper) execTTY(ctx context.Context, cmd *exec.Cmd, spec wire.ExecSpec, xio ExecIO, started func(int)) (int, error) {
	var tty *os.File
	size := &pty.Winsize{Rows: spec.Height, Cols: spec.Width}
	p, ws, err := r.Start(func() (*os.Process, error) {
		var err error
		if size.Rows == 0 || size.Cols == 0 {
			tty, err = pty.Start(cmd)
		} else {
			tty, err = pty.StartWithSize(cmd, size)
		}
		return startErr(cmd, err)
	})
	if err != nil {
		return 0, err
	}
	defer p.Release()
	defer tty.Close()
	if started != nil {
		started(p.Pid)
	}
	exited, status := whenExited(ws, tty)
	if xio.Stdin != nil {
		go func() { _, _ = io.Copy(tty, xio.Stdin) }()
	}
	// control uses the terminal until the process has exited; it must be
	// done with it before the deferred Close.
	ctl := make(chan struct{})
	go func() {
		defer close(ctl)
		control(ctx, p, exited, xio, tty)
	}()
	err = pump(tty, xio.Stdout, exited)
	code := ExitCode(status())
	<-ctl
	return code, err
}

// control delivers signals and resizes until the process exits, and kills
// it when ctx ends first.
func control(ctx context.Context, p *os.Process, exited <-chan struct{}, xio ExecIO, tty *os.File) {
	for {
		select {
		case <-exited:
			return
		case <-ctx.Done():
			_ = p.Kill()
			return
		case sig := <-xio.Signals:
			_ = p.Signal(sig)
		case sz := <-xio.Resize:
			if tty != nil {
				_ = pty.Setsize(tty, &pty.Winsize{Rows: sz[0], Cols: sz[1]})
			}
		}
	}
}

// command builds the process, looking the program up in the PATH of its
// own environment (the container's plus the exec's), as runc does.
func command(spec wire.ExecSpec) (*exec.Cmd, error) {
	if len(spec.Args) == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("no command specified")
	}
	env := mergeEnv(os.Environ(), spec.Env)
	prog, err := lookPath(spec.Args[0], env)
	if err != nil {
		return nil, err
	}
	cred, err := credential(spec.User)
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{Path: prog, Args: spec.Args, Env: env, Dir: spec.WorkingDir}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd, nil
}

// startErr classifies a failed start as Docker reports it.
func startErr(cmd *exec.Cmd, err error) (*os.Process, error) {
	switch {
	case err == nil:
		return cmd.Process, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("exec: %q: %v", cmd.Args[0], err))
	case errors.Is(err, os.ErrPermission):
		return nil, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("exec: %q: %v", cmd.Args[0], err))
	}
	return nil, fmt.Errorf("exec: %q: %w", cmd.Args[0], err)
}

func lookPath(file string, env []string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	pathEnv := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		p := filepath.Join(dir, file)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errdefs.ErrNotFound.WithMessage(fmt.Sprintf("exec: %q: executable file not found in $PATH", file))
}

// mergeEnv overrides base with extra, keeping base's order.
func mergeEnv(base, extra []string) []string {
	out := make([]string, 0, len(base)+len(extra))
	idx := map[string]int{}
	for _, kv := range append(append([]string(nil), base...), extra...) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := idx[k]; ok {
			out[i] = kv
			continue
		}
		idx[k] = len(out)
		out = append(out, kv)
	}
	return out
}
