// Package system serves the endpoints of the Docker Engine API's System
// group that are about the frontend itself: GET/HEAD /_ping, GET /version
// and GET /info (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/System).
// /info is built by the backend; the frontend only fills in what it alone
// knows.
package system

import (
	"context"
	"net/http"
	"runtime"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
)

// Build describes the frontend binary, from -ldflags -X or the Go build
// information.
type Build struct {
	Version string
	Commit  string
	Date    string
}

// Backend is what the handlers need from the backend daemon.
type Backend interface {
	Info(ctx context.Context) (backendapi.Info, error)
	Get(ctx context.Context, path, apiVersion string) (*http.Response, error)
}

// OSType is the OSType header and field: the backends run Linux containers.
const OSType = "linux"

// Headers returns the headers dockerd puts on every answer (its version
// and experimental middlewares), given the frontend's build.
func Headers(b Build) http.Header {
	return http.Header{
		"Api-Version":         {httpx.MaxAPIVersion},
		"Ostype":              {OSType},
		"Docker-Experimental": {"false"},
		"Server":              {"Sockerless/" + b.Version + " (" + runtime.GOOS + ")"},
	}
}

// Register adds the system routes the frontend answers itself.
func Register(mux *http.ServeMux, build Build, b Backend) {
	h := handlers{build: build, b: b}
	mux.HandleFunc("GET /_ping", h.ping)
	mux.HandleFunc("HEAD /_ping", h.ping)
	mux.Handle("GET /version", httpx.API(h.version))
	mux.Handle("GET /info", httpx.API(h.info))
}

type handlers struct {
	build Build
	b     Backend
}

// ping answers as dockerd's pingHandler: no-cache headers, the builder
// it recommends, the swarm state, and "OK" for GET. The classic builder
// (/build) is the one Sockerless serves, so Builder-Version is 1.
func (h handlers) ping(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	hd.Set("Pragma", "no-cache")
	hd.Set("Builder-Version", "1")
	hd.Set("Swarm", "inactive")
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	if r.Method == http.MethodHead {
		hd.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write([]byte("OK"))
}
