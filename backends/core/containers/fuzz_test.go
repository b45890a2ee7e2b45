package containers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/store"
	"github.com/sockerless/sockerless/backends/core/streams"
)

var createBodies = []string{
	`{"Image":"busybox"}`,
	`{"Image":"busybox","Cmd":["echo","hi"],"Env":["A=1"],"Labels":{"a":"b"}}`,
	`{"Image":"web","Entrypoint":[],"WorkingDir":"relative"}`,
	`{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":-1}}}`,
	`{"Image":"busybox","HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}`,
	`{"Image":"busybox","HostConfig":{"Binds":["vol:/data"],"NetworkMode":"nosuch"}}`,
	`{"Image":"busybox","StopSignal":"SIGNOPE","ExposedPorts":{"80/tcp":{}}}`,
	`{"Image":1}`, `{`, `null`, `[]`, ``,
}

func newMux(t testing.TB) *http.ServeMux {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	e, err := engine.Open(context.Background(), engine.Options{Dir: filepath.Join(dir, "containers"), Store: st,
		Driver: drv, Images: fakedriver.Images{}, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	mux := http.NewServeMux()
	Register(mux, e, streams.NewTracker())
	return mux
}

// FuzzCreate posts arbitrary bodies to POST /containers/create: every
// answer is a success or a client error, never a 5xx or a panic.
func FuzzCreate(f *testing.F) {
	for _, b := range createBodies {
		f.Add(b, "")
	}
	f.Add(`{"Image":"busybox"}`, "a")
	f.Add(`{"Image":"busybox"}`, "ok_name.1")
	mux := newMux(f)
	f.Fuzz(func(t *testing.T, body, name string) {
		req := httptest.NewRequest("POST", "/containers/create?name="+urlEscape(name), strings.NewReader(body))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
		}
	}
	return b.String()
}
