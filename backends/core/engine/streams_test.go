package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/backends/core/filters"
)

func TestAttachBeforeStartStdinOnce(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true}, nil)
	a, err := v.e.Attach(t.Context(), id, AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	var out safeBuffer
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background(), strings.NewReader("hello\n"), &out) }()
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if got := v.wait(t, id, container.WaitConditionNotRunning); got.StatusCode != 0 {
		t.Fatalf("exit %d", got.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Framed: 1 (stdout), 0, 0, 0, length 6, "hello\n".
	if got := out.String(); got != "\x01\x00\x00\x00\x00\x00\x00\x06hello\n" {
		t.Fatalf("attach output %q", got)
	}
	if logs := v.logs(t, id); logs != "stdout:hello\n" {
		t.Fatalf("logs %q", logs)
	}
}

func TestExec(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	if _, err := v.e.ExecCreate(t.Context(), id, container.ExecCreateRequest{Cmd: []string{"echo", "x"}}); !errdefs.IsConflict(err) {
		t.Fatalf("exec in stopped container: %v", err)
	}
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	xid, err := v.e.ExecCreate(t.Context(), id, container.ExecCreateRequest{Cmd: []string{"exit", "7"}, AttachStdout: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.e.ExecStart(t.Context(), xid, container.ExecStartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var out safeBuffer
	s.Run(t.Context(), strings.NewReader(""), &out)
	in, err := v.e.ExecInspect(t.Context(), xid)
	if err != nil {
		t.Fatal(err)
	}
	if in.ExitCode == nil || *in.ExitCode != 7 || in.Running {
		t.Fatalf("exec inspect %+v", in)
	}
	if _, err := v.e.ExecStart(t.Context(), xid, container.ExecStartRequest{}); !errdefs.IsConflict(err) {
		t.Fatalf("second exec start: %v", err)
	}
	if _, err := v.e.ExecInspect(t.Context(), "nosuch"); !errdefs.IsNotFound(err) {
		t.Fatalf("unknown exec: %v", err)
	}
	// A relative working directory fails as runc does: 126 and its text.
	xid, err = v.e.ExecCreate(t.Context(), id, container.ExecCreateRequest{Cmd: []string{"echo", "x"}, WorkingDir: "rel", AttachStdout: true})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = v.e.ExecStart(t.Context(), xid, container.ExecStartRequest{Tty: true}); err != nil {
		t.Fatal(err)
	}
	out = safeBuffer{}
	s.Run(t.Context(), strings.NewReader(""), &out)
	if in, _ := v.e.ExecInspect(t.Context(), xid); in.ExitCode == nil || *in.ExitCode != 126 || !strings.Contains(out.String(), "Cwd must be an absolute path") {
		t.Fatalf("relative cwd: %+v, %q", in, out.String())
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestHealthCheck(t *testing.T) {
	v := newEnv(t)
	hc := &container.HealthConfig{Test: []string{"CMD", "exit", "0"}, Interval: 20 * time.Millisecond, Retries: 1}
	ok := v.create(t, "", container.Config{Cmd: []string{"sleep"}, Healthcheck: hc}, nil)
	bad := v.create(t, "", container.Config{Cmd: []string{"sleep"}, Healthcheck: &container.HealthConfig{
		Test: []string{"CMD", "exit", "1"}, Interval: 20 * time.Millisecond, Retries: 2}}, nil)
	for _, id := range []string{ok, bad} {
		if err := v.e.Start(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, _ := v.e.Inspect(t.Context(), ok, false)
		b, _ := v.e.Inspect(t.Context(), bad, false)
		if a.State.Health.Status == container.Healthy && b.State.Health.Status == container.Unhealthy {
			if b.State.Health.FailingStreak < 2 || len(b.State.Health.Log) == 0 {
				t.Fatalf("unhealthy %+v", b.State.Health)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health %+v / %+v", a.State.Health, b.State.Health)
		}
		time.Sleep(10 * time.Millisecond)
	}
	list, err := v.e.List(t.Context(), ListOptions{Filters: filtersOf(t, `{"health":["unhealthy"]}`)})
	if err != nil || len(list) != 1 || list[0].ID != bad || !strings.HasSuffix(list[0].Status, "(unhealthy)") {
		t.Fatalf("list %+v %v", list, err)
	}
}

func filtersOf(t *testing.T, s string) filters.Args {
	t.Helper()
	f, err := filters.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestConcurrentOperations runs every kind of operation at once, for the
// race detector and for lock-order deadlocks.
func TestConcurrentOperations(t *testing.T) {
	v := newEnv(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				id := v.create(t, fmt.Sprintf("c%d-%d", g, i), container.Config{Cmd: []string{"sleep"}}, nil)
				if err := v.e.Start(ctx, id); err != nil {
					t.Error(err)
					return
				}
				x, err := v.e.ExecCreate(ctx, id, container.ExecCreateRequest{Cmd: []string{"echo", "x"}})
				if err == nil {
					if s, err := v.e.ExecStart(ctx, x, container.ExecStartRequest{Detach: true}); err == nil {
						s.Run(ctx, nil, nil)
					}
				}
				v.e.List(ctx, ListOptions{All: true})
				v.e.Inspect(ctx, id, false)
				v.e.Rename(ctx, id, fmt.Sprintf("r%d-%d", g, i))
				v.e.Counts()
				if err := v.e.Remove(ctx, id, RemoveOptions{Force: true}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := v.e.Counts(); n.Total != 0 {
		t.Fatalf("left %+v", n)
	}
}

func TestLogDrivers(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"echo", "x"}}, &container.HostConfig{LogConfig: container.LogConfig{Type: "none"}})
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	v.wait(t, id, container.WaitConditionNotRunning)
	if _, _, err := v.e.Logs(t.Context(), id, LogsOptions{Stdout: true}); !errdefs.IsNotImplemented(err) {
		t.Fatalf("logs with driver none: %v", err)
	}
	_, err := v.e.Create(t.Context(), CreateOptions{Config: &container.Config{Image: "busybox"},
		HostConfig: &container.HostConfig{LogConfig: container.LogConfig{Type: "syslog"}}})
	if !errdefs.IsInvalidArgument(err) {
		t.Fatalf("syslog: %v", err)
	}
	in, _ := v.e.Inspect(t.Context(), v.create(t, "", container.Config{}, nil), false)
	if in.HostConfig.LogConfig.Type != "json-file" {
		t.Fatalf("default log driver %q", in.HostConfig.LogConfig.Type)
	}
}

func TestExecAction(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want string
	}{{[]string{"true"}, "exec_create: true "}, {[]string{"sh", "-c", "x"}, "exec_create: sh -c x"}, {nil, "exec_create: "}} {
		if got := string(execAction("exec_create", tc.argv)); got != tc.want {
			t.Errorf("execAction(%q) = %q, want %q", tc.argv, got, tc.want)
		}
	}
}
