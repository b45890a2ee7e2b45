package images_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/images"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// env is a store served through Register, and the real moby client.
type env struct {
	store *imagestore.Store
	srv   *httptest.Server
	cli   *client.Client
	used  map[string][]string
}

func newEnv(t *testing.T, version string) *env {
	t.Helper()
	return newEnvWith(t, version, imagestore.Options{})
}

// newEnvWith is newEnv with store options; UsedBy is the env's.
func newEnvWith(t *testing.T, version string, opts imagestore.Options) *env {
	t.Helper()
	e := &env{used: map[string][]string{}}
	opts.UsedBy = func(id string) []string { return e.used[id] }
	s, err := imagestore.Open(t.Context(), t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	images.Register(mux, s)
	mux.HandleFunc("/", httpx.NotFound)
	e.store = s
	e.srv = httptest.NewServer(httpx.StripVersion(mux))
	t.Cleanup(e.srv.Close)
	if version == "" {
		version = httpx.MaxAPIVersion
	}
	e.cli, err = client.New(client.WithHost("tcp://"+e.srv.Listener.Addr().String()),
		client.WithHTTPClient(e.srv.Client()), client.WithAPIVersion(version))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.cli.Close() })
	return e
}

// importBusybox imports the busybox root file system through the API.
func (e *env) importBusybox(t *testing.T, ref string, changes ...string) string {
	t.Helper()
	rc, err := e.cli.ImageImport(t.Context(), client.ImageImportSource{Source: bytes.NewReader(imagestoretest.RootFS(t)), SourceName: "-"},
		ref, client.ImageImportOptions{Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := strings.CutPrefix(string(out), `{"status":"`)
	id, ok2 := strings.CutSuffix(id, "\"}\r\n")
	if !ok || !ok2 || !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("import answered %q", out)
	}
	return id
}

// raw sends a request without the client, for exact bodies.
func (e *env) raw(t *testing.T, method, path string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.WithoutCancel(t.Context()), method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
