package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/store"
)

type env struct {
	e   *Engine
	bus *events.Bus
	dir string
}

func open(t testing.TB, dir string) env {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	bus := events.New()
	e, err := Open(context.Background(), Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: fakedriver.Images{}, Events: bus, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return env{e, bus, dir}
}

func newEnv(t testing.TB) env {
	t.Helper()
	v := open(t, t.TempDir())
	t.Cleanup(func() { v.e.Close() })
	return v
}

func (v env) create(t testing.TB, name string, cfg container.Config, hc *container.HostConfig) string {
	t.Helper()
	if cfg.Image == "" {
		cfg.Image = "busybox"
	}
	resp, err := v.e.Create(context.Background(), CreateOptions{Name: name, Config: &cfg, HostConfig: hc})
	if err != nil {
		t.Fatal(err)
	}
	return resp.ID
}

func (v env) wait(t testing.TB, id string, cond container.WaitCondition) container.WaitResponse {
	t.Helper()
	w, err := v.e.Wait(context.Background(), id, cond)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := w(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (v env) logs(t *testing.T, id string) string {
	t.Helper()
	_, stream, err := v.e.Logs(t.Context(), id, LogsOptions{Stdout: true, Stderr: true, Tail: -1})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	stream(t.Context(), func(le driver.LogEntry) error {
		b.WriteString(le.Stream + ":" + string(le.Data))
		return nil
	})
	return b.String()
}

func TestRunMergesImageConfig(t *testing.T) {
	v := newEnv(t)
	tests := []struct {
		name     string
		cfg      container.Config
		wantPath string
		wantArgs []string
		wantLogs string
	}{
		{"image cmd", container.Config{Image: "web"}, "echo", []string{"web", "default"}, "stdout:web default\n"},
		{"request cmd", container.Config{Image: "web", Cmd: []string{"x"}}, "echo", []string{"web", "x"}, "stdout:web x\n"},
		{"entrypoint drops image cmd", container.Config{Image: "web", Entrypoint: []string{"echo"}}, "echo", []string{}, "stdout:\n"},
		{"empty entrypoint resets", container.Config{Image: "web", Entrypoint: []string{""}, Cmd: []string{"echo", "x"}}, "echo", []string{"x"}, "stdout:x\n"},
		{"stderr", container.Config{Cmd: []string{"stderr", "oops"}}, "stderr", []string{"oops"}, "stderr:oops\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := v.create(t, "", tc.cfg, nil)
			if err := v.e.Start(t.Context(), id); err != nil {
				t.Fatal(err)
			}
			if got := v.wait(t, id, container.WaitConditionNotRunning); got.StatusCode != 0 {
				t.Fatalf("exit %d", got.StatusCode)
			}
			in, err := v.e.Inspect(t.Context(), id, false)
			if err != nil {
				t.Fatal(err)
			}
			if in.Path != tc.wantPath || !cmp.Equal(in.Args, tc.wantArgs) {
				t.Errorf("command %q %q, want %q %q", in.Path, in.Args, tc.wantPath, tc.wantArgs)
			}
			if in.Config.Hostname != id[:12] || in.State.Status != "exited" {
				t.Errorf("hostname %q status %q", in.Config.Hostname, in.State.Status)
			}
			if d := cmp.Diff(tc.wantLogs, v.logs(t, id)); d != "" {
				t.Errorf("logs (-want +got)\n%s", d)
			}
		})
	}
	id := v.create(t, "", container.Config{Env: []string{"FROM_IMAGE=2", "X=1"}, Labels: map[string]string{"mine": "1"}}, nil)
	in, _ := v.e.Inspect(t.Context(), id, false)
	if d := cmp.Diff([]string{"FROM_IMAGE=2", "X=1", "PATH=/bin"}, in.Config.Env); d != "" {
		t.Errorf("env (-want +got)\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"mine": "1", "from": "image"}, in.Config.Labels); d != "" {
		t.Errorf("labels (-want +got)\n%s", d)
	}
}

func TestNames(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "web", container.Config{}, nil)
	_, err := v.e.Create(t.Context(), CreateOptions{Name: "/web", Config: &container.Config{Image: "busybox"}})
	want := `Conflict. The container name "/web" is already in use by container "` + id + `". You have to remove (or rename) that container to be able to reuse that name.`
	if !errdefs.IsConflict(err) || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
	_, err = v.e.Create(t.Context(), CreateOptions{Name: "a", Config: &container.Config{Image: "busybox"}})
	if !errdefs.IsInvalidArgument(err) || err.Error() != "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" {
		t.Fatalf("err = %v", err)
	}
	_, err = v.e.Create(t.Context(), CreateOptions{Config: &container.Config{Image: "nosuch"}})
	if !errdefs.IsNotFound(err) || err.Error() != "No such image: nosuch" {
		t.Fatalf("err = %v", err)
	}
	gen := v.create(t, "", container.Config{}, nil)
	in, _ := v.e.Inspect(t.Context(), gen[:12], false)
	if !strings.Contains(in.Name, "_") || in.ID != gen {
		t.Fatalf("generated name %q", in.Name)
	}
	for _, ref := range []string{"web", "/web", id, id[:5]} {
		if _, err := v.e.Inspect(t.Context(), ref, false); err != nil && !strings.HasPrefix(err.Error(), "Multiple IDs found") {
			t.Errorf("inspect %q: %v", ref, err)
		}
	}
	if _, err := v.e.Inspect(t.Context(), "nosuch", false); !errdefs.IsNotFound(err) || err.Error() != "No such container: nosuch" {
		t.Errorf("err = %v", err)
	}
	if err := v.e.Rename(t.Context(), "web", "web2"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.e.Inspect(t.Context(), "web2", false); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Rename(t.Context(), gen, "web2"); !errdefs.IsConflict(err) {
		t.Fatalf("rename to taken name: %v", err)
	}
}

func TestStartFailure(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"nope"}}, nil)
	err := v.e.Start(t.Context(), id)
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `exec: "nope": executable file not found in $PATH`) {
		t.Fatalf("err = %v", err)
	}
	in, _ := v.e.Inspect(t.Context(), id, false)
	if in.State.ExitCode != 127 || in.State.Status != "created" || in.State.Error == "" {
		t.Fatalf("state %+v", in.State)
	}
	// An unknown user is found before any task, as dockerd: no prefix.
	id = v.create(t, "", container.Config{Cmd: []string{"true"}, User: "nosuchuser"}, nil)
	const msg = "unable to find user nosuchuser: no matching entries in passwd file"
	if err := v.e.Start(t.Context(), id); err == nil || err.Error() != msg {
		t.Fatalf("start as nosuchuser: %v", err)
	}
	if in, _ := v.e.Inspect(t.Context(), id, false); in.State.Error != msg || in.State.Status != "created" {
		t.Fatalf("state %+v", in.State)
	}
}

func TestStopKillAndEvents(t *testing.T) {
	v := newEnv(t)
	past, sub := v.bus.Subscribe()
	defer sub.Close()
	_ = past
	id := v.create(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Start(t.Context(), id); !errdefs.IsNotModified(err) {
		t.Fatalf("second start: %v", err)
	}
	if err := v.e.Remove(t.Context(), id, RemoveOptions{}); !errdefs.IsConflict(err) ||
		!strings.Contains(err.Error(), "container is running: stop the container before removing or force remove") {
		t.Fatalf("remove running: %v", err)
	}
	if err := v.e.Kill(t.Context(), id, "NOSIG"); !errdefs.IsInvalidArgument(err) {
		t.Fatalf("bad signal: %v", err)
	}
	if err := v.e.Pause(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Unpause(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Stop(t.Context(), id, "", nil); err != nil {
		t.Fatal(err)
	}
	in, _ := v.e.Inspect(t.Context(), id, false)
	if in.State.ExitCode != 143 || in.State.Status != "exited" {
		t.Fatalf("state %+v", in.State)
	}
	if err := v.e.Stop(t.Context(), id, "", nil); !errdefs.IsNotModified(err) {
		t.Fatalf("second stop: %v", err)
	}
	if err := v.e.Kill(t.Context(), id, ""); !errdefs.IsConflict(err) {
		t.Fatalf("kill stopped: %v", err)
	}
	if err := v.e.Remove(t.Context(), id, RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < 8 {
		m := <-sub.C()
		got = append(got, string(m.Action))
		if m.Action == mevents.ActionDie && m.Actor.Attributes["exitCode"] != "143" {
			t.Errorf("die exitCode %q", m.Actor.Attributes["exitCode"])
		}
	}
	want := []string{"create", "start", "pause", "unpause", "kill", "die", "stop", "destroy"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got)\n%s", d)
	}
}

func TestRestartPolicy(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"exit", "3"}},
		&container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}})
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		in, _ := v.e.Inspect(t.Context(), id, false)
		if in.State.Status == "exited" && in.RestartCount == 2 {
			if in.State.ExitCode != 3 {
				t.Fatalf("exit %d", in.State.ExitCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %s restarts %d", in.State.Status, in.RestartCount)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, err := v.e.Create(t.Context(), CreateOptions{Config: &container.Config{Image: "busybox"},
		HostConfig: &container.HostConfig{AutoRemove: true, RestartPolicy: container.RestartPolicy{Name: "always"}}})
	if !errdefs.IsInvalidArgument(err) {
		t.Fatalf("autoremove with policy: %v", err)
	}
}

func TestAutoRemove(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "", container.Config{Cmd: []string{"echo", "hi"}}, &container.HostConfig{AutoRemove: true})
	w, err := v.e.Wait(t.Context(), id, container.WaitConditionRemoved)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if _, err := w(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := v.e.Inspect(t.Context(), id, false); !errdefs.IsNotFound(err) {
		t.Fatalf("after auto-remove: %v", err)
	}
	if _, err := os.Stat(v.e.containerDir(id)); !os.IsNotExist(err) {
		t.Fatalf("container directory left: %v", err)
	}
	// docker restart does not auto-remove.
	id = v.create(t, "", container.Config{Cmd: []string{"sleep"}}, &container.HostConfig{AutoRemove: true})
	if err := v.e.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Restart(t.Context(), id, "", nil); err != nil {
		t.Fatal(err)
	}
	if in, err := v.e.Inspect(t.Context(), id, false); err != nil || in.State.Status != "running" {
		t.Fatalf("after restart: %v", err)
	}
}

func TestRecoveryAfterCrash(t *testing.T) {
	dir := t.TempDir()
	v := open(t, dir)
	plain := v.create(t, "plain", container.Config{Cmd: []string{"sleep"}}, nil)
	always := v.create(t, "always", container.Config{Cmd: []string{"sleep"}},
		&container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "always"}})
	created := v.create(t, "created", container.Config{}, nil)
	stopped := v.create(t, "stopped", container.Config{Cmd: []string{"exit", "1"}},
		&container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "always"}})
	if err := v.e.Start(t.Context(), stopped); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Stop(t.Context(), stopped, "", nil); err != nil && !errdefs.IsNotModified(err) {
		t.Fatal(err)
	}
	for _, id := range []string{plain, always} {
		if err := v.e.Start(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	// A crash: the records stay as they are on disk. Copy them while the
	// first engine still runs, and open a second engine on the copy.
	crash := t.TempDir()
	if out, err := exec.Command("cp", "-a", dir+"/.", crash).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v %s", err, out)
	}
	v.e.Close()
	v2 := open(t, crash)
	defer v2.e.Close()
	in, err := v2.e.Inspect(t.Context(), "plain", false)
	if err != nil {
		t.Fatal(err)
	}
	if in.State.Status != "exited" || in.State.ExitCode != 255 {
		t.Errorf("plain: %+v", in.State)
	}
	in, _ = v2.e.Inspect(t.Context(), created, false)
	if in.State.Status != "created" {
		t.Errorf("created: %+v", in.State)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		in, _ = v2.e.Inspect(t.Context(), "always", false)
		st, _ := v2.e.Inspect(t.Context(), "stopped", false)
		// "always" comes back at daemon start even after a manual stop.
		if in.State.Status == "running" && st.RestartCount > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("always: %+v", in.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestParseTimestamp(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"0", time.Unix(0, 0)},
		{"1700000000.5", time.Unix(1700000000, 5e8)},
		{"10m", now.Add(-10 * time.Minute)},
		{"2025-12-31T00:00:00Z", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"2025-12-31", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		got, err := ParseTimestamp(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseTimestamp("yesterday", now); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad timestamp: %v", err)
	}
}
