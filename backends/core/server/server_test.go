package server

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
	"github.com/sockerless/sockerless/backends/core/streams"
)

const token = "test-token"

type fixture struct {
	srv *httptest.Server
	cli *client.Client
	eng *engine.Engine
}

// newFixture serves the core's handler over the fake driver and images,
// behind the version stripping the frontend does.
func newFixture(t testing.TB) fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	bus := events.New()
	nets, err := networks.Open(ctx, st, drv.Name)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(ctx, engine.Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: fakedriver.Images{}, Networks: nets, Events: bus, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	tracker := streams.NewTracker()
	h := NewHandler(HandlerOptions{Engine: eng, Networks: nets, Events: bus, Tracker: tracker, Token: token,
		Logger: zerolog.Nop(), DataDir: dir, ID: "test-id"})
	srv := httptest.NewServer(httpx.StripVersion(h))
	t.Cleanup(func() {
		tracker.CloseAll()
		srv.Close()
		eng.Close()
	})
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()),
		client.WithHTTPHeaders(map[string]string{backendapi.TokenHeader: token}), client.WithAPIVersion("1.51"))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{srv, cli, eng}
}

func (f fixture) run(t testing.TB, name string, cfg container.Config, hc *container.HostConfig) string {
	t.Helper()
	ctx := context.Background()
	if cfg.Image == "" {
		cfg.Image = "busybox"
	}
	res, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Config: &cfg, HostConfig: hc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	return res.ID
}

func (f fixture) waitExit(t testing.TB, id string) int64 {
	t.Helper()
	w := f.cli.ContainerWait(context.Background(), id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-w.Result:
		return r.StatusCode
	case err := <-w.Error:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("wait timed out")
	}
	return 0
}

func TestContainerLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.run(t, "echoer", container.Config{Cmd: []string{"echo", "hello"}}, nil)
	if code := f.waitExit(t, id); code != 0 {
		t.Fatalf("exit %d", code)
	}
	logs, err := f.cli.ContainerLogs(ctx, "echoer", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true})
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errb, logs); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "Z hello\n") {
		t.Fatalf("logs %q", out.String())
	}
	in, err := f.cli.ContainerInspect(ctx, id[:8], client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := in.Container
	var raw struct {
		NetworkSettings struct{ IPAddress, Gateway string }
	}
	// The container has exited: as dockerd's cleanOperationalData, its
	// endpoint shows no address any more.
	if err := json.Unmarshal(in.Raw, &raw); err != nil || raw.NetworkSettings.IPAddress != "" || raw.NetworkSettings.Gateway != "" {
		t.Fatalf("API 1.51 NetworkSettings %+v %v", raw.NetworkSettings, err)
	}
	if c.Name != "/echoer" || c.State.Status != "exited" || c.NetworkSettings.Networks["bridge"].IPAddress.IsValid() {
		t.Fatalf("inspect %+v %+v", c.State, c.NetworkSettings.Networks["bridge"])
	}
	list, err := f.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("status", "exited")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].ID != id || !strings.HasPrefix(list.Items[0].Status, "Exited (0)") {
		t.Fatalf("list %+v", list.Items)
	}

	sleeper := f.run(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	for _, step := range []func() error{
		func() error { _, err := f.cli.ContainerPause(ctx, sleeper, client.ContainerPauseOptions{}); return err },
		func() error {
			_, err := f.cli.ContainerUnpause(ctx, sleeper, client.ContainerUnpauseOptions{})
			return err
		},
		func() error {
			_, err := f.cli.ContainerResize(ctx, sleeper, client.ContainerResizeOptions{Height: 24, Width: 80})
			return err
		},
		func() error {
			top, err := f.cli.ContainerTop(ctx, sleeper, client.ContainerTopOptions{})
			if err == nil && (len(top.Processes) != 1 || top.Processes[0][7] != "sleep" || top.Processes[0][6] != "00:00:00") {
				t.Errorf("top %+v", top)
			}
			return err
		},
		func() error {
			res, err := f.cli.ContainerStats(ctx, sleeper, client.ContainerStatsOptions{Stream: false})
			if err != nil {
				return err
			}
			defer res.Body.Close()
			var s container.StatsResponse
			if err := json.NewDecoder(res.Body).Decode(&s); err != nil || s.MemoryStats.Usage != 4096 {
				t.Errorf("stats %+v %v", s.MemoryStats, err)
			}
			return nil
		},
		func() error {
			_, err := f.cli.ContainerRename(ctx, sleeper, client.ContainerRenameOptions{NewName: "sleepy"})
			return err
		},
		func() error {
			_, err := f.cli.ContainerUpdate(ctx, "sleepy", client.ContainerUpdateOptions{RestartPolicy: &container.RestartPolicy{Name: "unless-stopped"}})
			return err
		},
		func() error {
			_, err := f.cli.ContainerRestart(ctx, "sleepy", client.ContainerRestartOptions{})
			return err
		},
		func() error {
			_, err := f.cli.ContainerKill(ctx, "sleepy", client.ContainerKillOptions{Signal: "TERM"})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if code := f.waitExit(t, sleeper); code != 143 {
		t.Fatalf("exit %d", code)
	}
	if _, err := f.cli.ContainerRemove(ctx, "nosuch", client.ContainerRemoveOptions{}); !errdefs.IsNotFound(err) {
		t.Fatalf("remove unknown: %v", err)
	}
	pr, err := f.cli.ContainerPrune(ctx, client.ContainerPruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Report.ContainersDeleted) != 2 {
		t.Fatalf("prune %+v", pr.Report)
	}
}

func TestStopAndRemove(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.run(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	_, err := f.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{})
	if !errdefs.IsConflict(err) {
		t.Fatalf("remove running: %v", err)
	}
	timeout := 1
	if _, err := f.cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
}

func TestAttachStdinAndExec(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	res, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "busybox",
		Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true}})
	if err != nil {
		t.Fatal(err)
	}
	att, err := f.cli.ContainerAttach(ctx, res.ID, client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if _, err := f.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(att.Conn, "piped input\n")
	if err := att.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, io.Discard, att.Reader); err != nil {
		t.Fatal(err)
	}
	if out.String() != "piped input\n" {
		in, _ := f.cli.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
		lr, _ := f.cli.ContainerLogs(ctx, res.ID, client.ContainerLogsOptions{ShowStdout: true})
		lb, _ := io.ReadAll(lr)
		t.Fatalf("attach output %q; state %+v; logs %q", out.String(), in.Container.State, lb)
	}
	if code := f.waitExit(t, res.ID); code != 0 {
		t.Fatalf("exit %d", code)
	}

	sleeper := f.run(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	x, err := f.cli.ExecCreate(ctx, sleeper, client.ExecCreateOptions{Cmd: []string{"cat"}, AttachStdin: true, AttachStdout: true})
	if err != nil {
		t.Fatal(err)
	}
	xa, err := f.cli.ExecAttach(ctx, x.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(xa.Conn, "to exec\n")
	xa.CloseWrite()
	out.Reset()
	if _, err := stdcopy.StdCopy(&out, io.Discard, xa.Reader); err != nil {
		t.Fatal(err)
	}
	xa.Close()
	if out.String() != "to exec\n" {
		t.Fatalf("exec output %q", out.String())
	}
	xi, err := f.cli.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})
	if err != nil || xi.Running || xi.ExitCode != 0 {
		t.Fatalf("exec inspect %+v %v", xi, err)
	}
	d, err := f.cli.ExecCreate(ctx, sleeper, client.ExecCreateOptions{Cmd: []string{"exit", "5"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cli.ExecStart(ctx, d.ID, client.ExecStartOptions{Detach: true}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		di, err := f.cli.ExecInspect(ctx, d.ID, client.ExecInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !di.Running && di.ExitCode == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("detached exec %+v", di)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestArchive(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.run(t, "", container.Config{Cmd: []string{"sleep"}}, nil)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	tw.Write([]byte("howdy"))
	tw.Close()
	if _, err := f.cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/", Content: &buf}); err != nil {
		t.Fatal(err)
	}
	st, err := f.cli.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: "/hello.txt"})
	if err != nil || st.Stat.Size != 5 || st.Stat.Name != "hello.txt" {
		t.Fatalf("stat %+v %v", st, err)
	}
	cp, err := f.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: "/hello.txt"})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Content.Close()
	tr := tar.NewReader(cp.Content)
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(tr); string(b) != "howdy" {
		t.Fatalf("copied %q", b)
	}
	if _, err := f.cli.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: "/nope"}); !errdefs.IsNotFound(err) {
		t.Fatalf("stat missing: %v", err)
	}
	diff, err := f.cli.ContainerDiff(ctx, id, client.ContainerDiffOptions{})
	if err != nil || len(diff.Changes) != 1 {
		t.Fatalf("diff %+v %v", diff, err)
	}
	exp, err := f.cli.ContainerExport(ctx, id, client.ContainerExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, exp)
	exp.Close()
}

func TestSystemAndNetworks(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	start := time.Now()
	id := f.run(t, "ev", container.Config{Cmd: []string{"exit", "2"}}, nil)
	f.waitExit(t, id)
	ev := f.cli.Events(ctx, client.EventsListOptions{Since: start.Format(time.RFC3339Nano), Until: time.Now().Add(time.Second).Format(time.RFC3339Nano),
		Filters: make(client.Filters).Add("container", "ev")})
	var actions []string
loop:
	for {
		select {
		case m := <-ev.Messages:
			actions = append(actions, string(m.Action))
			if m.Action == "die" && m.Actor.Attributes["exitCode"] != "2" {
				t.Errorf("die %+v", m.Actor.Attributes)
			}
		case err := <-ev.Err:
			if err != io.EOF {
				t.Fatal(err)
			}
			break loop
		}
	}
	if strings.Join(actions, ",") != "create,start,die" {
		t.Fatalf("events %v", actions)
	}
	info, err := f.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Info.Containers != 1 || info.Info.ContainersStopped != 1 || info.Info.Driver != "sockerless-fake" || info.Info.OSType != "linux" {
		t.Fatalf("info %+v", info.Info)
	}
	nl, err := f.cli.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil || len(nl.Items) != 3 {
		t.Fatalf("networks %+v %v", nl, err)
	}
	// The container has exited: as in dockerd, only running containers
	// have endpoints that network inspect lists.
	ni, err := f.cli.NetworkInspect(ctx, "bridge", client.NetworkInspectOptions{})
	if err != nil || len(ni.Network.Containers) != 0 {
		t.Fatalf("bridge %+v %v", ni, err)
	}
	du, err := f.cli.DiskUsage(ctx, client.DiskUsageOptions{Containers: true, Verbose: true})
	if err != nil || du.Containers.TotalCount != 1 {
		t.Fatalf("df %+v %v", du.Containers, err)
	}
	if resp := get(t, f, "/volumes/nope", token); resp.StatusCode != 404 {
		t.Fatalf("volume inspect: %d", resp.StatusCode)
	}
	if resp := get(t, f, "/volumes", token); resp.StatusCode != 200 {
		t.Fatalf("volume list: %d", resp.StatusCode)
	}
	resp := get(t, f, backendapi.InfoPath, token)
	var bi backendapi.Info
	if err := json.NewDecoder(resp.Body).Decode(&bi); err != nil || bi.Backend != "fake" {
		t.Fatalf("internal info %+v %v", bi, err)
	}
}

func get(t *testing.T, f fixture, path, tok string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	if tok != "" {
		req.Header.Set(backendapi.TokenHeader, tok)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t)
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
		req.Header.Set(backendapi.TokenHeader, token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name, path, body string
		status           int
		msg              string
	}{
		{"malformed json", "/containers/create", "{", 400, "invalid JSON"},
		{"wrong type", "/containers/create", `{"Image":1}`, 400, "invalid JSON"},
		{"no config", "/containers/create", `{}`, 400, "config cannot be empty"},
		{"bad name", "/containers/create?name=a", `{"Image":"busybox"}`, 400, "Invalid container name"},
		{"no image", "/containers/create", `{"Image":"nosuch"}`, 404, "No such image: nosuch"},
		{"bad filters", "/containers/prune?filters=%7B", ``, 400, "invalid filter"},
		{"bad signal", "/containers/x/kill?signal=FOO", ``, 404, "No such container: x"},
		{"bad stop timeout", "/containers/x/stop?t=abc", ``, 400, "invalid value for t"},
		{"oversized", "/containers/create", `{"Image":"` + strings.Repeat("a", httpx.MaxJSONBody) + `"}`, 400, "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(tc.path, tc.body)
			if status != tc.status || !strings.Contains(body, tc.msg) {
				t.Fatalf("got %d %s, want %d %q", status, body, tc.status, tc.msg)
			}
		})
	}
	if resp := get(t, f, "/containers/json", ""); resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	resp := get(t, f, "/nowhere", token)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 || !strings.Contains(string(b), "page not found") {
		t.Fatalf("catch-all: %d %s", resp.StatusCode, b)
	}
}

func TestAttachTTYRawAndDetach(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	res, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "busybox",
		Cmd: []string{"cat"}, Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true}})
	if err != nil {
		t.Fatal(err)
	}
	att, err := f.cli.ContainerAttach(ctx, res.ID, client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, DetachKeys: "ctrl-a"})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if mt, _ := att.MediaType(); mt != httpx.RawStream {
		t.Fatalf("media type %q", mt)
	}
	if _, err := f.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(att.Conn, "raw\n")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(att.Reader, buf); err != nil || string(buf) != "raw\n" {
		t.Fatalf("read %q %v", buf, err)
	}
	// ctrl-a detaches: the stream ends, the container keeps running.
	att.Conn.Write([]byte{1})
	if _, err := io.ReadAll(att.Reader); err != nil {
		t.Fatal(err)
	}
	in, err := f.cli.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
	if err != nil || in.Container.State.Status != "running" {
		t.Fatalf("after detach %+v %v", in.Container.State, err)
	}
}
