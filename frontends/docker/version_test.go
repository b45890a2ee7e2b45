package docker_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	docker "github.com/sockerless/sockerless/frontends/docker"
)

// FuzzVersionPrefix sends arbitrary paths through the frontend (with no
// backend behind it) and checks the version handling: a /vX.Y prefix
// outside [1.24, 1.51] is Docker's 400, no path panics, and every answer
// carries the API-Version header.
func FuzzVersionPrefix(f *testing.F) {
	for _, p := range []string{"/_ping", "/v1.51/_ping", "/v1.24/version", "/v1.52/_ping", "/v1.23/info",
		"/v1/_ping", "/v.1/_ping", "/v1..2/_ping", "/v2/_ping", "/v1.51", "/v99999999999999999999.1/_ping",
		"/vx/_ping", "/v1.51/containers/json", "//v1.51/_ping", "/v1.5a/_ping", "/v4.3.1/libpod/_ping"} {
		f.Add(p)
	}
	front, err := docker.NewServer(docker.Config{Backend: "unix:///nonexistent.sock", Token: "t", Build: docker.Build{Version: "v"}, Log: zerolog.Nop()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "http://x/", nil)
		r.URL.Path = path
		w := httptest.NewRecorder()
		front.ServeHTTP(w, r)
		if w.Header().Get("Api-Version") != httpx.MaxAPIVersion {
			t.Fatalf("%s: no Api-Version header", path)
		}
		v, rest, ok := httpx.SplitVersion(path)
		if !ok || strings.HasPrefix(rest, "/libpod/") { // podman's own version
			return
		}
		outside := httpx.CompareVersions(v, httpx.MaxAPIVersion) > 0 || httpx.CompareVersions(v, httpx.MinAPIVersion) < 0
		if outside != (w.Code == http.StatusBadRequest && strings.Contains(w.Body.String(), "client version")) {
			t.Fatalf("%s: version %s answered %d %s", path, v, w.Code, w.Body)
		}
	})
}
