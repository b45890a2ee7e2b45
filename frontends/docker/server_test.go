package docker_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
	"github.com/rs/zerolog"

	docker "github.com/sockerless/sockerless/frontends/docker"
	"github.com/sockerless/sockerless/frontends/docker/internal/backendtest"
)

var testBuild = docker.Build{Version: "1.2.3-test", Commit: "abc123", Date: "2026-01-02T03:04:05Z"}

// newFrontend starts the frontend in front of backend and returns a moby
// client talking to it.
func newFrontend(t *testing.T, backend, token string) (*httptest.Server, *client.Client) {
	t.Helper()
	front, err := docker.NewServer(docker.Config{Backend: backend, Token: token, Build: testBuild, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv, cli := serveFrontend(t, front)
	return srv, cli
}

// newFrontendServer is newFrontend returning the frontend itself.
func newFrontendServer(t *testing.T, backend string) (*docker.Server, *client.Client) {
	t.Helper()
	front, err := docker.NewServer(docker.Config{Backend: backend, Token: backendtest.Token, Build: testBuild, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	_, cli := serveFrontend(t, front)
	return front, cli
}

func serveFrontend(t *testing.T, front *docker.Server) (*httptest.Server, *client.Client) {
	t.Helper()
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	t.Cleanup(front.CloseStreams)
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return srv, cli
}

func TestPingVersionInfo(t *testing.T) {
	fb := backendtest.New(t)
	srv, cli := newFrontend(t, fb.Addr, backendtest.Token)
	ctx := t.Context()

	ping, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if ping.APIVersion != "1.51" || ping.OSType != "linux" || ping.Experimental || ping.BuilderVersion != "1" {
		t.Errorf("ping = %+v", ping)
	}
	if cli.ClientVersion() != "1.51" {
		t.Errorf("negotiated %s, want 1.51", cli.ClientVersion())
	}

	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != "1.2.3-test" || v.APIVersion != "1.51" || v.MinAPIVersion != "1.24" || v.Platform.Name != "Sockerless" {
		t.Errorf("version = %+v", v)
	}
	var names []string
	for _, c := range v.Components {
		names = append(names, c.Name+" "+c.Version)
	}
	if d := cmp.Diff([]string{"Engine 1.2.3-test", "sockerless-backend-fake 0.0.7"}, names); d != "" {
		t.Errorf("components (-want +got):\n%s", d)
	}

	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Info.ServerVersion != "1.2.3-test" || info.Info.ID != "fake-id" || info.Info.Containers != 3 || info.Info.Name == "" {
		t.Errorf("info = %+v", info.Info)
	}
	if d := cmp.Diff([]string{"api=1.51"}, info.Info.Labels); d != "" {
		t.Errorf("info labels (-want +got):\n%s", d)
	}

	// The ping headers, byte for byte what dockerd sends.
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+"/_ping", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := map[string]string{
			"Api-Version": "1.51", "Ostype": "linux", "Docker-Experimental": "false", "Builder-Version": "1",
			"Cache-Control": "no-cache, no-store, must-revalidate", "Pragma": "no-cache", "Swarm": "inactive",
		}
		for k, v := range want {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("%s /_ping %s = %q, want %q", method, k, got, v)
			}
		}
		if wantBody := map[string]string{"GET": "OK", "HEAD": ""}[method]; string(body) != wantBody {
			t.Errorf("%s /_ping body %q, want %q", method, body, wantBody)
		}
	}
}

func TestVersionPrefixes(t *testing.T) {
	fb := backendtest.New(t)
	srv, _ := newFrontend(t, fb.Addr, backendtest.Token)
	tests := []struct {
		path, wantVersion string
		wantStatus        int
		wantBody          string
	}{
		{"/containers/json?all=1", "1.51", 200, "[]"},
		{"/v1.24/containers/json?all=1", "1.24", 200, "[]"},
		{"/v1.41/containers/json?all=1", "1.41", 200, "[]"},
		{"/v1.51/containers/json?all=1", "1.51", 200, "[]"},
		{"/v1.52/containers/json", "", 400, `{"message":"client version 1.52 is too new. Maximum supported API version is 1.51"}`},
		{"/v1.23/containers/json", "", 400, `{"message":"client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version"}`},
		{"/v1.99/_ping", "", 400, `{"message":"client version 1.99 is too new. Maximum supported API version is 1.51"}`},
		{"/v1.51/_ping", "", 200, "OK"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || strings.TrimSpace(string(body)) != tc.wantBody {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
			if got := resp.Header.Values("Api-Version"); len(got) != 1 || got[0] != "1.51" {
				t.Errorf("Api-Version = %q, want one 1.51", got)
			}
			if tc.wantVersion == "" {
				return
			}
			seen := <-fb.Seen
			if seen.Get("X-Path") != "/containers/json" || seen.Get("X-Query") != "all=1" ||
				seen.Get("X-Sockerless-API-Version") != tc.wantVersion || seen.Get("X-Sockerless-Token") != backendtest.Token {
				t.Errorf("backend saw path %q query %q version %q token %q", seen.Get("X-Path"), seen.Get("X-Query"),
					seen.Get("X-Sockerless-API-Version"), seen.Get("X-Sockerless-Token"))
			}
			if seen.Get("X-Request-Id") == "" || seen.Get("X-Request-Id") != resp.Header.Get("X-Request-Id") {
				t.Errorf("request id: backend %q, client %q", seen.Get("X-Request-Id"), resp.Header.Get("X-Request-Id"))
			}
		})
	}
}

func TestWrongToken(t *testing.T) {
	fb := backendtest.New(t)
	_, cli := newFrontend(t, fb.Addr, "wrong")
	_, err := cli.ContainerList(t.Context(), client.ContainerListOptions{})
	if err == nil || !strings.Contains(err.Error(), "missing or wrong token") {
		t.Fatalf("list with a wrong token: %v", err)
	}
}

func TestBackendDown(t *testing.T) {
	_, cli := newFrontend(t, "unix:///nonexistent/backend.sock", backendtest.Token)
	_, err := cli.ContainerList(t.Context(), client.ContainerListOptions{})
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("list with no backend: %v", err)
	}
	// /version still answers, with the frontend alone.
	v, err := cli.ServerVersion(t.Context(), client.ServerVersionOptions{})
	if err != nil || len(v.Components) != 1 {
		t.Fatalf("version with no backend: %+v, %v", v, err)
	}
}

func TestLogsFollowStreams(t *testing.T) {
	fb := backendtest.New(t)
	_, cli := newFrontend(t, fb.Addr, backendtest.Token)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	logs, err := cli.ContainerLogs(ctx, "c1", client.ContainerLogsOptions{ShowStdout: true, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	r := bufio.NewReader(logs)
	// The first line must arrive while the backend still holds the stream.
	line, err := r.ReadString('\n')
	if err != nil || line != "first line\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	close(fb.Release)
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "last line\n" {
		t.Fatalf("rest %q, %v", rest, err)
	}
}

// TestWaitHeadersFlushed checks that the answer's head reaches the client
// before its body, as clients of POST /containers/{id}/wait expect.
func TestWaitHeadersFlushed(t *testing.T) {
	fb := backendtest.New(t)
	srv, _ := newFrontend(t, fb.Addr, backendtest.Token)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1.51/containers/c1/wait", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	close(fb.Release)
	body, err := io.ReadAll(resp.Body)
	if err != nil || strings.TrimSpace(string(body)) != `{"StatusCode":0}` {
		t.Fatalf("wait body %q, %v", body, err)
	}
}
