package ecsdriver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/sockerless/sockerless/api/driver"
)

// logReader reads one CloudWatch log stream forward, remembering where it
// stopped. The awslogs driver ships lines without their newline and does
// not record which stream a line came from, so every entry is stdout.
type logReader struct {
	d            *Driver
	stream       string
	token        string
	since, until time.Time
}

// drain hands fn every event shipped since the last call. A stream that
// does not exist yet (nothing shipped) is empty.
func (r *logReader) drain(ctx context.Context, fn func(driver.LogEntry) error) error {
	for {
		in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(r.d.cfg.LogGroup),
			LogStreamName: aws.String(r.stream), StartFromHead: aws.Bool(true)}
		if r.token != "" {
			in.NextToken = aws.String(r.token)
		}
		if !r.since.IsZero() {
			in.StartTime = aws.Int64(r.since.UnixMilli())
		}
		if !r.until.IsZero() {
			in.EndTime = aws.Int64(r.until.UnixMilli())
		}
		out, err := r.d.logs.GetLogEvents(ctx, in)
		var nf *cwtypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ecs backend: get log events: %w", awsErr(err))
		}
		next := aws.ToString(out.NextForwardToken)
		for _, ev := range out.Events {
			le := driver.LogEntry{Stream: "stdout", Time: time.UnixMilli(aws.ToInt64(ev.Timestamp)),
				Data: append([]byte(aws.ToString(ev.Message)), '\n')}
			if err := fn(le); err != nil {
				return err
			}
		}
		if len(out.Events) == 0 || next == "" || next == r.token {
			r.token = next
			return nil
		}
		r.token = next
	}
}

// Logs implements [driver.Stream] from CloudWatch Logs: the streams of
// every task the container ran, oldest first, then, with Follow, the
// current task's stream until the task stops.
func (d *Driver) Logs(ctx context.Context, id string, opts driver.LogOptions, fn func(driver.LogEntry) error) error {
	streams, err := d.logStreams(ctx, id)
	if err != nil {
		return err
	}
	emit := fn
	var tail []driver.LogEntry
	if opts.Tail >= 0 {
		emit = func(le driver.LogEntry) error {
			if opts.Tail == 0 {
				return nil
			}
			if len(tail) == opts.Tail {
				tail = tail[1:]
			}
			tail = append(tail, le)
			return nil
		}
	}
	readers := map[string]*logReader{}
	for _, s := range streams {
		r := &logReader{d: d, stream: s, since: opts.Since, until: opts.Until}
		readers[s] = r
		if err := r.drain(ctx, emit); err != nil {
			return err
		}
	}
	for _, le := range tail {
		if err := fn(le); err != nil {
			return err
		}
	}
	if !opts.Follow {
		return nil
	}
	return d.follow(ctx, id, readers, opts, fn)
}

// follow copies the current task's new output until it stops.
func (d *Driver) follow(ctx context.Context, id string, readers map[string]*logReader, opts driver.LogOptions, fn func(driver.LogEntry) error) error {
	at, err := d.findTask(ctx, id)
	if err != nil {
		return nil // nothing runs: nothing more will come
	}
	s := logStream(id, at)
	r := readers[s]
	if r == nil {
		r = &logReader{d: d, stream: s, since: opts.Since, until: opts.Until}
	}
	tick := time.NewTicker(d.cfg.Poll)
	defer tick.Stop()
	for {
		if err := r.drain(ctx, fn); err != nil {
			return err
		}
		tk, err := d.describe(ctx, at.arn)
		c, _ := containerOf(tk, at.container)
		if err != nil || aws.ToString(tk.LastStatus) == "STOPPED" || aws.ToString(c.LastStatus) == "STOPPED" {
			return r.drain(ctx, fn)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

// logStreams lists the log streams of container id (one per task it ran,
// as `main` or as a pod member; not the agent's init container's), oldest
// first.
func (d *Driver) logStreams(ctx context.Context, id string) ([]string, error) {
	var all []cwtypes.LogStream
	in := &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(d.cfg.LogGroup), LogStreamNamePrefix: aws.String(id + "/")}
	for {
		out, err := d.logs.DescribeLogStreams(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ecs backend: describe log streams: %w", awsErr(err))
		}
		all = append(all, out.LogStreams...)
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	sort.SliceStable(all, func(i, j int) bool { return aws.ToInt64(all[i].CreationTime) < aws.ToInt64(all[j].CreationTime) })
	names := make([]string, 0, len(all))
	for _, s := range all {
		if name := aws.ToString(s.LogStreamName); !strings.HasPrefix(name, id+"/"+agentContainer+"/") {
			names = append(names, name)
		}
	}
	return names, nil
}
