package docker_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	docker "github.com/sockerless/sockerless/frontends/docker"
)

// TestLibpodPrefix checks podman's paths: its own /vX.Y.Z before /libpod
// is not a Docker API version, /libpod/_ping is the frontend's ping, and a
// Docker path with that version is still Docker's 400.
func TestLibpodPrefix(t *testing.T) {
	front, err := docker.NewServer(docker.Config{Backend: "unix:///nonexistent.sock", Token: "t", Build: docker.Build{Version: "v"}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path       string
		wantStatus int  // 0: anything but a version error
		versionErr bool // Docker's "client version ... is too new"
	}{
		{"/v4.3.1/libpod/_ping", http.StatusOK, false},
		{"/libpod/_ping", http.StatusOK, false},
		{"/v4.3.1/libpod/pods/json", 0, false},
		{"/v4.3.1/containers/json", http.StatusBadRequest, true},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		front.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://x"+tc.path, nil))
		isVersionErr := w.Code == http.StatusBadRequest && strings.Contains(w.Body.String(), "client version")
		if isVersionErr != tc.versionErr || tc.wantStatus != 0 && w.Code != tc.wantStatus {
			t.Errorf("GET %s = %d %s", tc.path, w.Code, w.Body)
		}
	}
}
