package lambdadriver

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// attachGrace is how long the attach may go on after the invocation has
// returned, to deliver the last output.
const attachGrace = 2 * time.Second

// task is one invocation of a container's function.
type task struct {
	d      *Driver
	id     string
	cancel context.CancelFunc // abandons the Invoke request
	done   chan struct{}
	status driver.ExitStatus
	err    error
}

var _ driver.Task = (*task)(nil)

// Start invokes the container's function. The agent dials back; the
// backend attaches to it for the output (stdout and stderr apart) and the
// exit code. When the agent could not be reached, the output is the
// invocation's result payload and the exit code the one Lambda reports.
func (d *Driver) Start(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error) {
	ictx, cancel := context.WithCancel(d.ctx)
	t := &task{d: d, id: spec.ID, cancel: cancel, done: make(chan struct{})}
	go t.run(ictx, streams)
	return t, nil
}

// attachResult is what the attach of one run saw.
type attachResult struct {
	connected bool
	code      int
	err       error
}

func (t *task) run(ctx context.Context, streams driver.Streams) {
	defer close(t.done)
	defer t.cancel()
	actx, acancel := context.WithCancel(ctx)
	defer acancel()
	att := make(chan attachResult, 1)
	connected := make(chan struct{})
	go func() {
		c, err := t.d.hub.Get(actx, t.id)
		if err != nil {
			att <- attachResult{err: err}
			return
		}
		close(connected)
		code, err := c.Attach(actx, client.AttachOptions{Logs: true, Stream: true},
			client.Streams{Stdin: streams.Stdin, Stdout: streams.Stdout, Stderr: streams.Stderr})
		att <- attachResult{connected: true, code: code, err: err}
	}()

	out, ierr := t.d.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(functionName(t.id)), Payload: []byte("{}")})
	var res attachResult
	select {
	case <-connected:
		select {
		case res = <-att:
		case <-time.After(attachGrace):
			acancel()
			res = <-att
		}
	default:
		acancel()
		res = <-att
	}
	t.status.FinishedAt = time.Now()
	switch {
	case res.connected && res.err == nil:
		t.status.Code = res.code
	case ierr != nil:
		t.err = awsErr(ierr)
		if ctx.Err() != nil {
			t.err, t.status.Code = nil, 137 // abandoned by a stop
		}
	default:
		if !res.connected && out.FunctionError == nil && streams.Stdout != nil {
			_, _ = streams.Stdout.Write(out.Payload)
		}
		t.status = invokeStatus(out)
	}
	t.d.log.Info().Str("container_id", t.id).Int("exit_code", t.status.Code).Bool("attached", res.connected).Msg("invocation ended")
}

// exitStatusRE finds the exit code in the error Lambda reports for a
// runtime that exited ("Runtime exited with error: exit status 3").
var exitStatusRE = regexp.MustCompile(`exit status (\d+)`)

// invokeStatus reads the exit code from an invocation's result.
func invokeStatus(out *lambda.InvokeOutput) driver.ExitStatus {
	st := driver.ExitStatus{FinishedAt: time.Now()}
	if out.FunctionError == nil {
		return st
	}
	var doc struct{ ErrorType, ErrorMessage string }
	_ = json.Unmarshal(out.Payload, &doc)
	switch m := exitStatusRE.FindStringSubmatch(doc.ErrorMessage); {
	case m != nil:
		st.Code, _ = strconv.Atoi(m[1])
	case doc.ErrorType == "Runtime.InvalidEntrypoint":
		st.Code, st.Error = 127, doc.ErrorMessage
	case doc.ErrorType == "Sandbox.Timedout":
		st.Code, st.Error = 137, doc.ErrorMessage
	default:
		st.Code, st.Error = 1, doc.ErrorType+": "+doc.ErrorMessage
	}
	return st
}

// PID implements [driver.Task]: unknown to Lambda.
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

// Signal implements [driver.Task]: through the agent; SIGKILL, SIGTERM and
// SIGINT abandon the invocation when the agent cannot be reached (see the
// package notes).
func (t *task) Signal(ctx context.Context, sig syscall.Signal) error {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := t.d.hub.Get(cctx, t.id)
	if err == nil {
		if err = c.Signal(ctx, int(sig)); err == nil {
			return nil
		}
	}
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM || sig == syscall.SIGINT {
		t.cancel()
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errdefs.ErrUnavailable.WithMessage("lambda backend: the agent of container " + t.id + " is not connected")
	}
	return err
}
