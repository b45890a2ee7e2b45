package ecsdriver

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// task is a running ECS task as the core sees it. A watcher copies its
// output from CloudWatch Logs to the run's streams and polls DescribeTasks
// until the task has STOPPED and its output is drained.
type task struct {
	d        *Driver
	id, name string
	at       placement
	done     chan struct{}
	status   driver.ExitStatus
	err      error
	// started is closed once the watcher has seen the main container run
	// or the task stop (first is the task as then described), or the
	// watch ended without either (err says why).
	started   chan struct{}
	startOnce sync.Once
	first     types.Task
}

var _ driver.Task = (*task)(nil)

// watch starts the watcher of container id where it runs. With skipOld
// the output shipped before (by a previous backend life) is not copied
// again.
func (d *Driver) watch(id, name string, at placement, streams driver.Streams, skipOld bool) *task {
	t := &task{d: d, id: id, name: name, at: at, done: make(chan struct{}), started: make(chan struct{})}
	d.setLive(id, true)
	go t.run(streams, skipOld)
	return t
}

// PID implements [driver.Task]: the process ID inside the task is not
// known to ECS.
func (t *task) PID() int { return 0 }

// Wait implements [driver.Task].
func (t *task) Wait(ctx context.Context) (driver.ExitStatus, error) {
	select {
	case <-t.done:
		return t.status, t.err
	case <-ctx.Done():
		return driver.ExitStatus{}, ctx.Err()
	}
}

// Signal implements [driver.Task].
func (t *task) Signal(ctx context.Context, sig syscall.Signal) error {
	return t.d.signal(ctx, t.id, sig)
}

func (t *task) run(streams driver.Streams, skipOld bool) {
	defer close(t.done)
	ctx := t.d.ctx
	defer func() {
		// The task stopped (or the backend is going away, when its
		// names stay with the running task).
		if t.err == nil && !t.at.member() {
			t.d.unpublish(ctx, t.id, t.name)
		}
		t.d.setLive(t.id, false)
		t.markStarted(types.Task{})
	}()
	o := &output{streams: streams, since: time.Now()}
	attached := t.attach(ctx, o, streams, skipOld)
	logs := &logReader{d: t.d, stream: logStream(t.id, t.at)}
	if skipOld {
		_ = logs.drain(ctx, func(driver.LogEntry) error { return nil })
	}
	tick := time.NewTicker(t.d.cfg.Poll)
	defer tick.Stop()
	for {
		if o.pollLogs() {
			_ = logs.drain(ctx, o.cloud)
		}
		tk, err := t.d.describe(ctx, t.at.arn)
		c, _ := containerOf(tk, t.at.container)
		switch {
		case errdefs.IsNotFound(err):
			t.err = err
			return
		case err != nil:
			t.d.log.Warn().Err(err).Str("container_id", t.id).Msg("describe task")
		case aws.ToString(tk.LastStatus) == "STOPPED", t.at.member() && aws.ToString(c.LastStatus) == "STOPPED":
			t.markStarted(tk)
			if o.pollLogs() {
				o.decide(modeCloud)
				_ = logs.drain(ctx, o.cloud)
			}
			attached.wait(attachGrace)
			t.d.forget(t.at)
			t.status = exitStatus(tk, t.at.container)
			t.d.log.Info().Str("container_id", t.id).Int("exit_code", t.status.Code).Msg("task stopped")
			return
		default:
			if aws.ToString(c.LastStatus) == "RUNNING" || c.ExitCode != nil {
				t.markStarted(tk)
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.err = errdefs.ErrUnavailable.WithMessage("ecs backend is shutting down")
			return
		}
	}
}

func (t *task) markStarted(tk types.Task) {
	t.startOnce.Do(func() {
		t.first = tk
		close(t.started)
	})
}

// awaitStart waits until the main container has run, as docker start
// returns once the container runs, and returns the task as then
// described. A task that stopped before (an image ECS cannot pull, a
// failed init container, a volume it cannot mount) fails the start with
// ECS's reason.
func (t *task) awaitStart(ctx context.Context) (types.Task, error) {
	select {
	case <-t.started:
	case <-ctx.Done():
		return types.Task{}, ctx.Err()
	}
	if t.first.TaskArn == nil { // the watch ended first
		return types.Task{}, t.err
	}
	if reason, failed := startFailure(t.first, t.at.container); failed {
		return types.Task{}, errors.New("ecs backend: the task did not start: " + reason)
	}
	return t.first, nil
}

// attach follows the main process through the agent (both streams apart,
// stdin for docker run -i) once the agent listens; until it does, or when
// it never does, output comes from CloudWatch Logs.
func (t *task) attach(ctx context.Context, o *output, streams driver.Streams, skipOld bool) *attachment {
	a := &attachment{done: make(chan struct{})}
	actx, cancel := context.WithCancel(ctx)
	a.cancel = cancel
	go func() {
		defer close(a.done)
		c, err := t.d.conn(actx, t.id)
		if err != nil || !o.decide(modeAgent) {
			return
		}
		_, err = c.Attach(actx, client.AttachOptions{Logs: !skipOld, Stream: true},
			client.Streams{Stdin: streams.Stdin, Stdout: streams.Stdout, Stderr: streams.Stderr})
		if err != nil && actx.Err() == nil {
			t.d.log.Warn().Err(err).Str("container_id", t.id).Msg("attach to the agent")
		}
	}()
	return a
}

// attachGrace is how long the attach may still deliver output once the
// task has stopped.
const attachGrace = 2 * time.Second

// attachment is a run's attach to its agent.
type attachment struct {
	done   chan struct{}
	cancel context.CancelFunc
}

// wait lets the attach finish for up to grace, then ends it.
func (a *attachment) wait(grace time.Duration) {
	select {
	case <-a.done:
	case <-time.After(grace):
	}
	a.cancel()
	<-a.done
}

// Where a run's output comes from.
const (
	modeUndecided = iota
	modeAgent
	modeCloud
)

// agentGrace is how long a run's output waits for the agent before
// CloudWatch Logs is taken as its source.
const agentGrace = 3 * time.Second

// output is the source of a run's output: the agent's attach once it
// connects, else CloudWatch Logs, whose events are held back meanwhile
// (the attach replays them from the agent's buffer).
type output struct {
	streams driver.Streams
	since   time.Time

	mu   sync.Mutex
	mode int
	held []driver.LogEntry
}

// decide picks the source, first come first served, and reports whether
// m is the one picked.
func (o *output) decide(m int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.mode == modeUndecided {
		o.mode = m
		if m == modeCloud {
			for _, le := range o.held {
				o.write(le)
			}
		}
		o.held = nil
	}
	return o.mode == m
}

// pollLogs reports whether CloudWatch Logs may still be the source.
func (o *output) pollLogs() bool {
	o.mu.Lock()
	undecided := o.mode == modeUndecided
	cloud := o.mode == modeCloud
	o.mu.Unlock()
	if undecided && time.Since(o.since) > agentGrace {
		return o.decide(modeCloud)
	}
	return undecided || cloud
}

// cloud takes one CloudWatch event.
func (o *output) cloud(le driver.LogEntry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch o.mode {
	case modeUndecided:
		o.held = append(o.held, le)
	case modeCloud:
		o.write(le)
	}
	return nil
}

func (o *output) write(le driver.LogEntry) {
	if o.streams.Stdout != nil {
		_, _ = o.streams.Stdout.Write(le.Data)
	}
}

// containerOf returns task tk's container called name.
func containerOf(tk types.Task, name string) (types.Container, bool) {
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) == name {
			return c, true
		}
	}
	return types.Container{}, false
}

// neverRan tells a container ECS could not start: its reason says so
// ("CannotPullContainerError", "CannotStartContainerError"...), even when
// it carries an exit code (143 from ECS's agent, when a dependency
// failed).
func neverRan(c types.Container) bool { return strings.HasPrefix(aws.ToString(c.Reason), "Cannot") }

// startFailure tells whether task tk's container name stopped without
// ever running, and ECS's reason.
func startFailure(tk types.Task, name string) (string, bool) {
	c, ok := containerOf(tk, name)
	if aws.ToString(tk.LastStatus) != "STOPPED" && aws.ToString(c.LastStatus) != "STOPPED" {
		return "", false
	}
	if ok && neverRan(c) {
		return aws.ToString(c.Reason), true
	}
	if tk.StopCode == types.TaskStopCodeTaskFailedToStart {
		return aws.ToString(tk.StoppedReason), true
	}
	return "", false
}

// exitStatus reads how task tk's container name ended (the task, or the
// container, STOPPED). A container that never ran reports ECS's reason,
// with dockerd's exit codes for a command that could not be found or run.
func exitStatus(tk types.Task, name string) driver.ExitStatus {
	st := driver.ExitStatus{FinishedAt: aws.ToTime(tk.StoppedAt)}
	if st.FinishedAt.IsZero() {
		st.FinishedAt = time.Now() // a pod member stopped before its task
	}
	if c, ok := containerOf(tk, name); ok {
		if c.ExitCode != nil && !neverRan(c) {
			st.Code = int(*c.ExitCode)
			return st
		}
		st.Error = aws.ToString(c.Reason)
	}
	if st.Error == "" {
		st.Error = aws.ToString(tk.StoppedReason)
	}
	switch low := strings.ToLower(st.Error); {
	case strings.Contains(low, "executable file not found"), strings.Contains(low, "no such file"):
		st.Code = 127
	case strings.Contains(low, "permission denied"):
		st.Code = 126
	default:
		st.Code = 128
	}
	return st
}
