package ecs

import (
	"context"
	"strconv"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// JSON returns the service's JSON 1.1 operations.
func (s *Service) JSON() awsproto.JSONService {
	return awsproto.JSONService{Prefix: Target, Ops: map[string]awsproto.Op{
		"CreateCluster":            awsproto.Typed(s.createCluster),
		"DescribeClusters":         awsproto.Typed(s.describeClusters),
		"ListClusters":             awsproto.Typed(s.listClusters),
		"DeleteCluster":            awsproto.Typed(s.deleteCluster),
		"RegisterTaskDefinition":   s.registerTaskDefinition,
		"DescribeTaskDefinition":   awsproto.Typed(s.describeTaskDefinition),
		"DeregisterTaskDefinition": awsproto.Typed(s.deregisterTaskDefinition),
		"ListTaskDefinitions":      awsproto.Typed(s.listTaskDefinitions),
		"RunTask":                  awsproto.Typed(s.runTask),
		"DescribeTasks":            awsproto.Typed(s.describeTasks),
		"StopTask":                 awsproto.Typed(s.stopTask),
		"ListTasks":                awsproto.Typed(s.listTasks),
		"TagResource":              awsproto.Typed(s.tagResource),
		"UntagResource":            awsproto.Typed(s.untagResource),
		"ListTagsForResource":      awsproto.Typed(s.listTagsForResource),
	}}
}

// Close stops every running task (SIGTERM, then SIGKILL after at most
// grace) and waits for them to reach STOPPED.
func (s *Service) Close(ctx context.Context, grace time.Duration) error {
	s.mu.Lock()
	s.closing = true
	var pending []*task
	for _, t := range s.tasks {
		if t.LastStatus == "STOPPED" {
			continue
		}
		if t.DesiredStatus != "STOPPED" {
			t.DesiredStatus, t.StopCode = "STOPPED", "TerminationNotice"
			t.StoppedReason = "Task stopped because the simulator shut down"
			t.StoppingAt = stamp(s.now())
			close(t.stopReq)
		}
		pending = append(pending, t)
	}
	s.mu.Unlock()
	for _, t := range pending {
		s.stopAll(t, grace)
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WaitStopped blocks until the task arn has reached STOPPED (used by
// tests and benchmarks that time RunTask → STOPPED).
func (s *Service) WaitStopped(ctx context.Context, arn string) error {
	s.mu.Lock()
	t := s.tasks[arn]
	s.mu.Unlock()
	if t == nil {
		return errTaskNotFound
	}
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
