package ecsdriver

import (
	"context"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// task is a running ECS task as the core sees it. A watcher copies its
// output from CloudWatch Logs to the run's streams and polls DescribeTasks
// until the task has STOPPED and its output is drained.
type task struct {
	d       *Driver
	id, arn string
	done    chan struct{}
	status  driver.ExitStatus
	err     error
}

var _ driver.Task = (*task)(nil)

// watch starts the watcher of container id's task arn. With skipOld the
// output shipped before (by a previous backend life) is not copied again.
func (d *Driver) watch(id, arn string, streams driver.Streams, skipOld bool) *task {
	t := &task{d: d, id: id, arn: arn, done: make(chan struct{})}
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
	out := &logReader{d: t.d, stream: logStream(t.id, t.arn)}
	emit := func(le driver.LogEntry) error {
		if streams.Stdout != nil {
			_, _ = streams.Stdout.Write(le.Data)
		}
		return nil
	}
	if skipOld {
		_ = out.drain(ctx, func(driver.LogEntry) error { return nil })
	}
	tick := time.NewTicker(t.d.cfg.Poll)
	defer tick.Stop()
	for {
		_ = out.drain(ctx, emit)
		tk, err := t.d.describe(ctx, t.arn)
		switch {
		case errdefs.IsNotFound(err):
			t.err = err
			return
		case err != nil:
			t.d.log.Warn().Err(err).Str("container_id", t.id).Msg("describe task")
		case aws.ToString(tk.LastStatus) == "STOPPED":
			_ = out.drain(ctx, emit)
			t.status = exitStatus(tk)
			t.d.log.Info().Str("container_id", t.id).Int("exit_code", t.status.Code).Msg("task stopped")
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.err = errdefs.ErrUnavailable.WithMessage("ecs backend is shutting down")
			return
		}
	}
}

// exitStatus reads how a STOPPED task's main container ended. A task that
// never ran its container reports ECS's reason, with dockerd's exit codes
// for a command that could not be found or run.
func exitStatus(tk types.Task) driver.ExitStatus {
	st := driver.ExitStatus{FinishedAt: aws.ToTime(tk.StoppedAt)}
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) != mainContainer {
			continue
		}
		if c.ExitCode != nil {
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
