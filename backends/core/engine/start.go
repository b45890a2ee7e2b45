package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/logs"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// Exit codes dockerd sets when the main process could not be run.
const (
	exitCmdNotFound = 127
	exitEACCES      = 126
	exitUnknown     = 128
)

// Start starts container ref. Docker answers 304 when it already runs.
func (e *Engine) Start(ctx context.Context, ref string) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	return e.start(ctx, c, true)
}

// start runs c's main process. manual is a start asked by a client (it
// resets the restart count); otherwise the restart policy or daemon
// start-up asks.
func (e *Engine) start(ctx context.Context, c *Container, manual bool) error {
	// Read before c.mu is taken: they lock other containers.
	joinErr := e.joinable(c)
	members := e.pendingMembers(c.rec.ID)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch st := c.rec.State.Status; {
	case c.removing || st == StatusRemoving || st == StatusDead || c.removed:
		return errdefs.ErrConflict.WithMessage("container is marked for removal and cannot be started")
	case st == StatusPaused:
		return errdefs.ErrConflict.WithMessage("cannot start a paused container, try unpause instead")
	case st == StatusRunning || st == StatusRestarting && manual:
		return errdefs.ErrNotModified
	}
	if e.isClosing() {
		return errdefs.ErrUnavailable.WithMessage("the backend is shutting down")
	}
	if manual {
		c.rec.RestartCount = 0
		c.rec.ManuallyStopped = false
		c.backoff = 0
	}
	if joinErr != nil {
		e.recordStartFailure(ctx, c, exitUnknown, joinErr.Error())
		return joinErr
	}
	if err := e.prepareDriver(ctx, c); err != nil {
		return e.startFailed(ctx, c, err)
	}
	if err := resetTmpfs(c.rec.Mounts); err != nil {
		return e.startFailed(ctx, c, fmt.Errorf("prepare tmpfs: %w", err))
	}
	run, err := e.openRun(c)
	if err != nil {
		return err
	}
	spec := e.spec(c)
	spec.Members = members
	// Its /etc/hosts and its neighbours' name it before it runs.
	e.hostsRunning(ctx, c.rec.ID, true)
	task, err := e.drv.Lifecycle.Start(e.ctx, spec, run.streams(c))
	if err != nil {
		e.hostsRunning(ctx, c.rec.ID, false)
		run.close()
		c.hub.EndRun()
		c.renewStdin()
		return e.startFailed(ctx, c, err)
	}
	now := e.now().UTC()
	c.task, c.logw, c.stopped, c.canceled = task, run.logw, make(chan struct{}), false
	c.resize = run.resize
	c.rec.State = State{Status: StatusRunning, Pid: task.PID(), StartedAt: now}
	e.startHealth(c)
	if err := e.setState(c, c.rec.State); err != nil {
		e.log.Error().Err(err).Str("container_id", c.rec.ID).Msg("record running state")
	}
	e.volumeEvents(ctx, c, mevents.ActionMount)
	e.event(ctx, c, mevents.ActionStart, nil)
	e.wg.Add(1)
	go e.monitor(c, task, run)
	return nil
}

// startFailed records a main process that could not run, as dockerd:
// exit 127 (not found) or 126 (not executable) with State.Error, and the
// error class the start request answers with. c.mu is held.
func (e *Engine) startFailed(ctx context.Context, c *Container, err error) error {
	if errors.Is(err, driver.ErrUnsupported) {
		return e.unsupported("starting containers")
	}
	msg := "failed to create task for container: " + err.Error()
	if m := err.Error(); strings.HasPrefix(m, "unable to find user ") || strings.HasPrefix(m, "unable to find group ") {
		// dockerd looks the user up while it builds the OCI spec,
		// before any task: its message has no prefix.
		msg = m
	}
	code, class := exitUnknown, errdefs.ErrInternal.WithMessage
	switch low := strings.ToLower(msg); {
	case strings.Contains(low, "executable file not found") || strings.Contains(low, "no such file or directory"):
		code, class = exitCmdNotFound, errdefs.ErrInvalidArgument.WithMessage
	case strings.Contains(low, "permission denied"):
		code, class = exitEACCES, errdefs.ErrInvalidArgument.WithMessage
	}
	e.recordStartFailure(ctx, c, code, msg)
	return class(msg)
}

// recordStartFailure records a start that failed with exit code code and
// message msg, and removes an AutoRemove container, as dockerd. c.mu is
// held.
func (e *Engine) recordStartFailure(ctx context.Context, c *Container, code int, msg string) {
	s := c.rec.State
	s.ExitCode, s.Error = code, msg
	if s.Status == StatusRestarting {
		s.Status, s.FinishedAt = StatusExited, e.now().UTC()
	}
	if perr := e.setState(c, s); perr != nil {
		e.log.Error().Err(perr).Str("container_id", c.rec.ID).Msg("record start failure")
	}
	if c.rec.HostConfig.AutoRemove {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			_ = e.remove(context.WithoutCancel(ctx), c, RemoveOptions{Force: true})
		}()
	}
}

// joinable checks, as dockerd at start, the container whose network
// namespace c joins (`--network container:X`): it must exist and run.
// No container lock is held.
func (e *Engine) joinable(c *Container) error {
	c.mu.Lock()
	target := joinsNetworkOf(&c.rec)
	c.mu.Unlock()
	if target == "" {
		return nil
	}
	t, err := e.get(target)
	if err != nil {
		return err
	}
	t.mu.Lock()
	running := t.rec.State.running()
	id := t.rec.ID
	t.mu.Unlock()
	if !running {
		return errdefs.ErrConflict.WithMessage("cannot join network of a non running container: " + id)
	}
	return nil
}

// run is what one run of a container's main process uses.
type run struct {
	logw           *logs.Writer
	stdout, stderr *logs.LineWriter
	stdin          *stdinPipe
	resize         chan driver.TermSize
}

func (e *Engine) openRun(c *Container) (*run, error) {
	r := &run{resize: make(chan driver.TermSize, 1)}
	if c.rec.HostConfig.LogConfig.Type != "none" {
		logw, err := logs.Create(e.logPath(c.rec.ID))
		if err != nil {
			return nil, err
		}
		r.logw, r.stdout, r.stderr = logw, logs.NewLineWriter(logw, "stdout"), logs.NewLineWriter(logw, "stderr")
	}
	r.stdin = c.stdin
	if cs := c.rec.HostConfig.ConsoleSize; cs[0] > 0 && cs[1] > 0 {
		r.resize <- driver.TermSize{Height: cs[0], Width: cs[1]}
	}
	return r, nil
}

func (r *run) streams(c *Container) driver.Streams {
	s := driver.Streams{
		Stdout: c.hub.Writer(streams.Stdout),
		Stderr: c.hub.Writer(streams.Stderr),
		TTY:    c.rec.Config.Tty,
		Resize: r.resize,
	}
	if r.logw != nil {
		s.Stdout, s.Stderr = io.MultiWriter(r.stdout, s.Stdout), io.MultiWriter(r.stderr, s.Stderr)
	}
	if r.stdin != nil {
		s.Stdin = r.stdin.r
	}
	return s
}

func (r *run) close() {
	if r.logw != nil {
		r.stdout.Flush()
		r.stderr.Flush()
		r.logw.Close()
	}
}

// monitor waits for the main process to end and records it.
func (e *Engine) monitor(c *Container, task driver.Task, r *run) {
	defer e.wg.Done()
	st, err := task.Wait(e.ctx)
	if err != nil && e.isClosing() && e.liveRestore() {
		// The task outlives the daemon: its record stays running.
		r.close()
		return
	}
	if err != nil {
		st = driver.ExitStatus{Code: 255, Error: err.Error()}
	}
	if st.FinishedAt.IsZero() {
		st.FinishedAt = e.now()
	}
	r.close()
	ctx := e.log.WithContext(e.ctx)
	c.mu.Lock()
	c.hub.EndRun()
	c.renewStdin()
	c.task, c.logw, c.resize = nil, nil, nil
	c.exits++
	close(c.stopped)
	s := State{Status: StatusExited, ExitCode: st.Code, OOMKilled: st.OOMKilled, Error: st.Error,
		StartedAt: c.rec.State.StartedAt, FinishedAt: st.FinishedAt.UTC(), Health: c.rec.State.Health}
	// As dockerd's handleContainerExit: die, then the clean-up's network
	// disconnect and volume unmount.
	e.event(ctx, c, mevents.ActionDie, map[string]string{"exitCode": itoa(st.Code),
		"execDuration": itoa(int(s.FinishedAt.Sub(s.StartedAt).Seconds()))})
	e.hostsRunning(ctx, c.rec.ID, false)
	e.volumeEvents(ctx, c, mevents.ActionUnmount)
	restart := !c.canceled && !e.isClosing() && shouldRestart(c.rec, st.Code)
	if restart {
		s.Status = StatusRestarting
		e.scheduleRestart(c, s.FinishedAt.Sub(s.StartedAt))
	}
	if err := e.setState(c, s); err != nil {
		e.log.Error().Err(err).Str("container_id", c.rec.ID).Msg("record exit")
	}
	autoRemove := c.rec.HostConfig.AutoRemove && !restart && !c.restarting
	c.mu.Unlock()
	if autoRemove {
		if err := e.remove(ctx, c, RemoveOptions{Force: true}); err != nil && !errdefs.IsConflict(err) {
			e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("auto-remove")
		}
	}
}

// stdinPipe is the stdin of one run; attached clients write into it.
type stdinPipe struct {
	r    *io.PipeReader
	w    *io.PipeWriter
	once sync.Once
}

func newStdinPipe() *stdinPipe {
	r, w := io.Pipe()
	return &stdinPipe{r: r, w: w}
}

// CloseWrite gives the process EOF on stdin.
func (p *stdinPipe) CloseWrite() { p.w.Close() }

// Close ends both sides.
func (p *stdinPipe) Close() {
	p.once.Do(func() {
		p.w.Close()
		p.r.Close()
	})
}
