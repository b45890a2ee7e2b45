// Package backendtest is a fake Sockerless backend daemon for the
// frontend's tests: a few Docker routes and the internal info route on a
// unix socket, behind the real token check.
package backendtest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
)

// Token is the fake backend's token.
const Token = "s3cret"

// Backend is the fake backend daemon.
type Backend struct {
	// Addr is its address, unix:///path.
	Addr string
	// Release ends the followed log stream of GET /containers/{id}/logs
	// and answers POST /containers/{id}/wait.
	Release chan struct{}
	// Seen receives the headers of GET /containers/json, with X-Path and
	// X-Query set to what the backend saw.
	Seen chan http.Header
}

// New starts a fake backend for the duration of t.
func New(t testing.TB) *Backend {
	t.Helper()
	dir, err := os.MkdirTemp("", "slfb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "backend.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	fb := &Backend{Addr: "unix://" + sock, Release: make(chan struct{}), Seen: make(chan http.Header, 64)}
	srv := httptest.NewUnstartedServer(backendapi.RequireToken(Token, fb.mux()))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return fb
}

func (fb *Backend) mux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /internal/v1/info", func(w http.ResponseWriter, r *http.Request) {
		_ = httpx.WriteJSON(w, http.StatusOK, backendapi.Info{
			Backend: "fake", Version: "0.0.7", GitCommit: "fa4e", OSType: "linux",
			Architecture: "amd64", KernelVersion: "6.1.0-fake", OperatingSystem: "Fake OS",
		})
	})
	mux.HandleFunc("GET /info", func(w http.ResponseWriter, r *http.Request) {
		_ = httpx.WriteJSON(w, http.StatusOK, map[string]any{
			"ID": "fake-id", "Containers": 3, "OSType": "linux", "ServerVersion": "backend-version",
			"Labels": []string{"api=" + r.Header.Get("X-Sockerless-API-Version")},
		})
	})
	mux.HandleFunc("GET /containers/json", func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Clone()
		h.Set("X-Path", r.URL.Path)
		h.Set("X-Query", r.URL.RawQuery)
		fb.Seen <- h
		w.Header().Set("Api-Version", "9.99") // must not reach the client
		_ = httpx.WriteJSON(w, http.StatusOK, []any{})
	})
	mux.HandleFunc("GET /containers/{id}/logs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", httpx.RawStream)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "first line\n")
		_ = http.NewResponseController(w).Flush()
		select {
		case <-fb.Release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, "last line\n")
	})
	mux.HandleFunc("POST /containers/{id}/wait", func(w http.ResponseWriter, r *http.Request) {
		// As dockerd: the headers go out at once, the body when the
		// container exits.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_ = http.NewResponseController(w).Flush()
		select {
		case <-fb.Release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, `{"StatusCode":0}`+"\n")
	})
	mux.HandleFunc("POST /containers/{id}/attach", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			httpx.WriteError(w, r, errdefs.ErrNotFound.WithMessage("No such container: missing"))
			return
		}
		conn, rw, err := httpx.Hijack(w, r, httpx.RawStream)
		if err != nil {
			return
		}
		defer conn.Close()
		// Echo stdin until the client half-closes, then say goodbye: the
		// goodbye only arrives if the half-close went through.
		_, _ = io.Copy(conn, rw.Reader)
		_, _ = io.WriteString(conn, "bye\n")
	})
	mux.HandleFunc("POST /exec/{id}/start", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Detach bool }
		if err := httpx.DecodeJSON(r, &req, true); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if req.Detach {
			w.WriteHeader(http.StatusOK)
			return
		}
		conn, _, err := httpx.Hijack(w, r, httpx.RawStream)
		if err != nil {
			return
		}
		_, _ = io.WriteString(conn, "hello from exec\n")
		conn.Close()
	})
	mux.HandleFunc("/", httpx.NotFound)
	return mux
}
