package pods

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
)

type fixture struct {
	srv *httptest.Server
	eng *engine.Engine
	m   *Manager
	st  *store.Store
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := t.Context()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	nets, err := networks.Open(ctx, st, drv.Name)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(ctx, engine.Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: fakedriver.Images{}, Networks: nets, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(st, eng, drv.Name)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	Register(mux, m)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		eng.Close()
	})
	return fixture{srv: srv, eng: eng, m: m, st: st}
}

// do sends one request as curl would and returns the status and body.
func (f fixture) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func (f fixture) create(t *testing.T, body string) string {
	t.Helper()
	status, out := f.do(t, "POST", "/libpod/pods/create", body)
	if status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", body, status, out)
	}
	var rep createReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.ID) != 64 {
		t.Fatalf("create report %q: %v", out, err)
	}
	return rep.ID
}

// TestPodErrors compares the answers with podman 4.3's (recorded with curl
// against `podman system service`): status and message.
func TestPodErrors(t *testing.T) {
	f := newFixture(t)
	empty := f.create(t, `{"name":"p2","no_infra":true,"labels":{"a":"b"}}`)
	tests := []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"inspect unknown", "GET", "/libpod/pods/nosuch/json", "", 404, "no pod with name or ID nosuch found: no such pod"},
		{"exists unknown", "GET", "/libpod/pods/nosuch/exists", "", 404, "no pod with name or ID nosuch found: no such pod"},
		{"remove unknown", "DELETE", "/libpod/pods/nosuch", "", 404, "no pod with name or ID nosuch found: no such pod"},
		{"start empty", "POST", "/libpod/pods/p2/start", "", 409, "no containers in pod " + empty + " have no dependencies, cannot start pod: no such container"},
		{"stop empty", "POST", "/libpod/pods/p2/stop", "", 304, ""},
		{"kill empty", "POST", "/libpod/pods/p2/kill", "", 409, "cannot kill a pod with no running containers: " + empty},
		{"duplicate name", "POST", "/libpod/pods/create", `{"name":"p2","no_infra":true}`, 409, `failed to make pod: adding pod to state: name "p2" is in use: pod already exists`},
		{"invalid name", "POST", "/libpod/pods/create", `{"name":"bad/name","no_infra":true}`, 400, "failed to make pod: running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"},
		{"no body", "POST", "/libpod/pods/create", "", 400, "failed to decode specgen: invalid JSON: empty request body"},
		{"infra without image", "POST", "/libpod/pods/create", `{"name":"p9"}`, 501, "pods with an infra container need an infra image on the fake backend, which has no pause image: pass --infra-image IMAGE or --infra=false"},
		{"bad filter", "GET", `/libpod/pods/json?filters={"bogus":["x"]}`, "", 400, "invalid filter 'bogus'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.do(t, tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%s)", status, tc.status, body)
			}
			if tc.message == "" {
				if body != "" {
					t.Errorf("body %q, want none", body)
				}
				return
			}
			var em errorModel
			if err := json.Unmarshal([]byte(body), &em); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if em.Message != tc.message || em.ResponseCode != tc.status || em.Because == "" {
				t.Errorf("error = %+v, want message %q", em, tc.message)
			}
		})
	}
	if status, _ := f.do(t, "GET", "/libpod/pods/p2/exists", ""); status != http.StatusNoContent {
		t.Errorf("exists p2: %d, want 204", status)
	}
}

// TestPodLifecycle runs a pod whose member joins the infra container's
// network namespace through the Docker API, as podman's members do.
func TestPodLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.create(t, `{"name":"web","labels":{"tier":"front"},"infra_image":"busybox","infra_command":["sleep","300"],"portmappings":[{"container_port":80,"host_port":8080}]}`)
	p, err := f.m.Get("web")
	if err != nil || p.ID != id || p.InfraID == "" {
		t.Fatalf("get web: %+v %v", p, err)
	}
	member, err := f.eng.Create(ctx, engine.CreateOptions{Name: "app", Config: &container.Config{Image: "busybox", Cmd: []string{"sleep", "300"}},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode("container:" + id[:12] + "-infra")}})
	if err != nil {
		t.Fatal(err)
	}
	if pod, ok, err := f.m.PodOf(ctx, member.ID); err != nil || !ok || pod.ID != id {
		t.Errorf("PodOf(member) = %v %v %v, want pod %s", pod.ID, ok, err, id)
	}
	step := func(method, path string, want int) {
		t.Helper()
		if status, body := f.do(t, method, path, ""); status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, status, body, want)
		}
	}
	state := func(want string) {
		t.Helper()
		_, body := f.do(t, "GET", "/libpod/pods/web/json", "")
		var d inspectData
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		if d.State != want || d.NumContainers != 2 || d.InfraContainerID != p.InfraID || d.Containers[0].ID != p.InfraID {
			t.Fatalf("inspect = %s, want state %s with 2 containers, infra first", body, want)
		}
	}
	state(StateCreated)
	step("POST", "/libpod/pods/web/start", 200)
	state(StateRunning)
	step("POST", "/libpod/pods/web/start", 304)
	_, body := f.do(t, "GET", `/libpod/pods/json?filters={"label":["tier=front"],"status":["running"]}`, "")
	var list []listReport
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 1 {
		t.Fatalf("list = %s (%v)", body, err)
	}
	want := []listContainer{{ID: p.InfraID, Names: id[:12] + "-infra", Status: "running"}, {ID: member.ID, Names: "app", Status: "running"}}
	if d := cmp.Diff(want, list[0].Containers); d != "" || list[0].Status != StateRunning || list[0].InfraID != p.InfraID {
		t.Errorf("list entry (-want +got):\n%s\n%s", d, body)
	}
	step("DELETE", "/libpod/pods/web", 409)
	step("POST", "/libpod/pods/web/kill?signal=SIGKILL", 200)
	waitState(t, f, StateExited)
	step("POST", "/libpod/pods/web/stop", 304)
	step("POST", "/libpod/pods/web/start", 200)
	step("POST", "/libpod/pods/web/restart", 200)
	state(StateRunning)
	step("POST", "/libpod/pods/web/stop?t=0", 200)
	state(StateExited)
	step("DELETE", "/libpod/pods/web", 200)
	step("GET", "/libpod/pods/web/exists", 404)
	if _, err := f.eng.Inspect(ctx, member.ID, false); err == nil {
		t.Error("the member outlived its pod")
	}
}

func waitState(t *testing.T, f fixture, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p, _ := f.m.Get("web")
		if got := Status(f.m.Members(t.Context(), p)); got == want {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("pod state %s, want %s", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPodPrune removes the pods whose containers all stopped, as podman:
// an empty pod (Created) stays.
func TestPodPrune(t *testing.T) {
	f := newFixture(t)
	old := f.create(t, `{"name":"old","infra_image":"busybox","infra_command":["sleep","300"]}`)
	f.create(t, `{"name":"fresh","no_infra":true}`)
	for _, path := range []string{"/libpod/pods/old/start", "/libpod/pods/old/stop?t=0"} {
		if status, body := f.do(t, "POST", path, ""); status != 200 {
			t.Fatalf("POST %s: %d %s", path, status, body)
		}
	}
	status, body := f.do(t, "POST", "/libpod/pods/prune", "")
	if want := `[{"Err":null,"Id":"` + old + `"}]`; status != 200 || body != want {
		t.Fatalf("prune = %d %s, want %s", status, body, want)
	}
	if _, err := f.m.Get("fresh"); err != nil {
		t.Errorf("prune removed the empty pod: %v", err)
	}
}

// TestPodsSurviveRestart reopens the store: pods are crash-only records.
func TestPodsSurviveRestart(t *testing.T) {
	f := newFixture(t)
	id := f.create(t, `{"name":"keep","no_infra":true,"labels":{"k":"v"}}`)
	m, err := Open(f.st, f.eng, "fake")
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Get("keep")
	if err != nil || p.ID != id || p.Labels["k"] != "v" {
		t.Fatalf("reopened pod = %+v, %v", p, err)
	}
	if _, err := m.Get(id[:6]); err != nil {
		t.Errorf("ID prefix: %v", err)
	}
}

func TestStatus(t *testing.T) {
	m := func(states ...string) []engine.Member {
		var out []engine.Member
		for _, s := range states {
			out = append(out, engine.Member{Status: s})
		}
		return out
	}
	tests := []struct {
		members []engine.Member
		want    string
	}{
		{nil, StateCreated},
		{m("running", "running"), StateRunning},
		{m("running", "exited"), StateDegraded},
		{m("paused"), StatePaused},
		{m("exited", "exited"), StateExited},
		{m("exited", "created"), StateStopped},
		{m("created", "created"), StateCreated},
		{m("dead"), StateError},
	}
	for _, tc := range tests {
		if got := Status(tc.members); got != tc.want {
			t.Errorf("Status(%v) = %s, want %s", tc.members, got, tc.want)
		}
	}
}
