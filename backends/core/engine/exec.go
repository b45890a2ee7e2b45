package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// Exec is a process created to run in a container (docker exec). Execs
// live in memory only, as in dockerd, and go with their container.
type Exec struct {
	id   string
	c    *Container
	req  container.ExecCreateRequest
	keys []byte

	mu       sync.Mutex
	started  bool
	running  bool
	pid      int
	exitCode *int
	resize   chan driver.TermSize
	// exited is set once the process ended; dockerd lists only the other
	// execs in a container's ExecIDs.
	exited atomic.Bool
}

func (e *Engine) getExec(id string) (*Exec, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	x, ok := e.execs[id]
	if !ok {
		return nil, errdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
	}
	return x, nil
}

// ExecCreate prepares a process to run in running container ref.
func (e *Engine) ExecCreate(ctx context.Context, ref string, req container.ExecCreateRequest) (string, error) {
	keys, err := streams.ParseDetachKeys(req.DetachKeys)
	if err != nil {
		return "", err
	}
	if len(req.Cmd) == 0 {
		return "", errdefs.ErrInvalidArgument.WithMessage("No exec command specified")
	}
	if e.drv.Exec == nil {
		return "", e.unsupported("exec")
	}
	c, err := e.get(ref)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.rec.State.Status == StatusPaused:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is paused, unpause the container before exec", c.rec.ID))
	case c.rec.State.Status == StatusRestarting:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is restarting, wait until the container is running", c.rec.ID))
	case c.task == nil:
		return "", notRunning(c.rec.ID)
	}
	x := &Exec{id: newID(), c: c, req: req, keys: keys, resize: make(chan driver.TermSize, 1)}
	if req.ConsoleSize != nil && req.ConsoleSize[0] > 0 {
		x.resize <- driver.TermSize{Height: req.ConsoleSize[0], Width: req.ConsoleSize[1]}
	}
	e.mu.Lock()
	e.execs[x.id] = x
	e.mu.Unlock()
	c.execs[x.id] = x
	e.event(ctx, c, execAction(mevents.ActionExecCreate, req.Cmd), map[string]string{"execID": x.id})
	return x.id, nil
}

// ExecInspect describes exec id.
func (e *Engine) ExecInspect(ctx context.Context, id string) (container.ExecInspectResponse, error) {
	x, err := e.getExec(id)
	if err != nil {
		return container.ExecInspectResponse{}, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	priv := x.req.Privileged
	resp := container.ExecInspectResponse{
		ID: x.id, Running: x.running, ExitCode: x.exitCode, OpenStdin: x.req.AttachStdin,
		OpenStdout: x.req.AttachStdout, OpenStderr: x.req.AttachStderr, ContainerID: x.c.rec.ID,
		DetachKeys: x.keys, Pid: x.pid,
		ProcessConfig: &container.ExecProcessConfig{Tty: x.req.Tty, Entrypoint: x.req.Cmd[0],
			Arguments: slices.Clone(x.req.Cmd[1:]), Privileged: &priv, User: x.req.User},
	}
	return resp, nil
}

// ExecSession is a validated exec start.
type ExecSession struct {
	e      *Engine
	x      *Exec
	detach bool
	tty    bool
}

// ExecStart validates and claims exec id for one run. A second start is a
// conflict, as in dockerd.
func (e *Engine) ExecStart(ctx context.Context, id string, req container.ExecStartRequest) (*ExecSession, error) {
	x, err := e.getExec(id)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.running {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Error: Exec command %s is already running", id))
	}
	if x.started {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Error: Exec command %s has already run", id))
	}
	c := x.c
	c.mu.Lock()
	running := c.task != nil && c.rec.State.Status == StatusRunning
	c.mu.Unlock()
	if !running {
		return nil, notRunning(c.rec.ID)
	}
	x.started = true
	if req.ConsoleSize != nil && req.ConsoleSize[0] > 0 {
		sendResize(x.resize, driver.TermSize{Height: req.ConsoleSize[0], Width: req.ConsoleSize[1]})
	}
	return &ExecSession{e: e, x: x, detach: req.Detach, tty: x.req.Tty || req.Tty}, nil
}

// Detach reports whether the exec runs without a stream.
func (s *ExecSession) Detach() bool { return s.detach }

// TTY reports whether the stream is raw.
func (s *ExecSession) TTY() bool { return s.tty }

// Run runs the exec. in and out are the hijacked connection (nil for a
// detached exec); closeIn half-closes nothing, it is called when the
// client's input ended. Run returns when the process exits.
func (s *ExecSession) Run(ctx context.Context, in io.Reader, out io.Writer) {
	x, e := s.x, s.e
	c := x.c
	st := driver.Streams{Stdout: io.Discard, Stderr: io.Discard, TTY: s.tty, Resize: x.resize}
	var stdinR *io.PipeReader
	if out != nil {
		if s.tty {
			st.Stdout, st.Stderr = out, out
		} else {
			o, er, _ := streams.NewFrameWriters(out)
			st.Stdout, st.Stderr = o, er
		}
		if !x.req.AttachStdout {
			st.Stdout = io.Discard
		}
		if !x.req.AttachStderr {
			st.Stderr = io.Discard
		}
		if x.req.AttachStdin && in != nil {
			r, w := io.Pipe()
			stdinR = r
			st.Stdin = r
			go func() {
				_, err := io.Copy(w, streams.NewDetachReader(in, x.keys))
				w.CloseWithError(ignoreDetach(err))
			}()
		}
	}
	c.mu.Lock()
	cfg := c.rec.Config
	p := driver.Process{Args: slices.Clone(x.req.Cmd), Env: mergeEnv(processEnv(cfg), x.req.Env),
		WorkingDir: x.req.WorkingDir, User: x.req.User, TTY: s.tty}
	if p.WorkingDir == "" {
		p.WorkingDir = cfg.WorkingDir
	}
	if p.User == "" {
		p.User = cfg.User
	}
	e.event(ctx, c, execAction(mevents.ActionExecStart, x.req.Cmd), map[string]string{"execID": x.id})
	c.mu.Unlock()
	x.mu.Lock()
	x.running = true
	x.mu.Unlock()
	var code int
	var err error
	if p.WorkingDir != "" && !path.IsAbs(p.WorkingDir) {
		// As runc, which dockerd leaves to check it.
		err = errors.New("OCI runtime exec failed: exec failed: Cwd must be an absolute path: unknown")
	} else {
		code, err = e.drv.Exec.Exec(e.ctx, c.rec.ID, p, st, func(pid int) {
			x.mu.Lock()
			x.pid = pid
			x.mu.Unlock()
		})
	}
	if stdinR != nil {
		stdinR.Close()
	}
	if err != nil {
		code = execErrorCode(err)
		msg := err.Error()
		if errors.Is(err, driver.ErrUnsupported) {
			msg = e.unsupported("exec").Error()
		}
		if out != nil {
			// As dockerd: the failure goes to the client's stdout.
			w := out
			if !s.tty {
				w, _, _ = streams.NewFrameWriters(out)
			}
			fmt.Fprintf(w, "%s\r\n", msg)
		}
	}
	x.mu.Lock()
	x.running = false
	x.exitCode = &code
	x.mu.Unlock()
	x.exited.Store(true)
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionExecDie, map[string]string{"execID": x.id, "exitCode": itoa(code)})
	c.exited = append(c.exited, x.id)
	var drop []string
	if len(c.exited) > maxExitedExecs {
		drop = slices.Clone(c.exited[:len(c.exited)-maxExitedExecs])
		c.exited = slices.Delete(c.exited, 0, len(drop))
		for _, id := range drop {
			delete(c.execs, id)
		}
	}
	c.mu.Unlock()
	if len(drop) > 0 {
		e.mu.Lock()
		for _, id := range drop {
			delete(e.execs, id)
		}
		e.mu.Unlock()
	}
}

// maxExitedExecs bounds the finished execs kept per container for exec
// inspect, so that a long-lived container exec'ed into by a CI runner does
// not grow without end.
const maxExitedExecs = 128

func ignoreDetach(err error) error {
	if errors.Is(err, streams.ErrDetached) {
		return nil
	}
	return err
}

// execErrorCode is the exit code of an exec that could not run: dockerd
// reports 126 whatever the cause (not found included).
func execErrorCode(error) int { return exitEACCES }

// ExecResize changes the terminal size of a running exec.
func (e *Engine) ExecResize(ctx context.Context, id string, size driver.TermSize) error {
	x, err := e.getExec(id)
	if err != nil {
		return err
	}
	x.mu.Lock()
	live := x.started && x.exitCode == nil
	x.mu.Unlock()
	if !live {
		// A started exec accepts sizes before its process runs: the CLI
		// resizes right after the hijack.
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Exec %s is not running", id))
	}
	sendResize(x.resize, size)
	return nil
}

// sendResize replaces any size not yet consumed by the newest one.
func sendResize(ch chan driver.TermSize, size driver.TermSize) {
	for {
		select {
		case ch <- size:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// execAction is an exec event's action as dockerd words it: the action,
// the program, a space, then its arguments ("exec_create: true " when
// there are none).
func execAction(a mevents.Action, argv []string) mevents.Action {
	if len(argv) == 0 {
		return mevents.Action(string(a) + ": ")
	}
	return mevents.Action(string(a) + ": " + argv[0] + " " + strings.Join(argv[1:], " "))
}
