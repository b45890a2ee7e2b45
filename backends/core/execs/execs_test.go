package execs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// fakeBackend answers every call with err.
type fakeBackend struct{ err error }

func (f fakeBackend) ExecCreate(context.Context, string, container.ExecCreateRequest) (string, error) {
	return "", f.err
}
func (f fakeBackend) ExecStart(context.Context, string, container.ExecStartRequest) (*engine.ExecSession, error) {
	return nil, f.err
}
func (f fakeBackend) ExecInspect(context.Context, string) (container.ExecInspectResponse, error) {
	return container.ExecInspectResponse{}, f.err
}
func (f fakeBackend) ExecResize(context.Context, string, driver.TermSize) error { return f.err }

func TestErrors(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		err                      error
		status                   int
		msg                      string
	}{
		{"create malformed", "POST", "/containers/c/exec", `{"Cmd":`, nil, 400, "invalid JSON"},
		{"create empty body", "POST", "/containers/c/exec", ``, nil, 400, "empty request body"},
		{"create not running", "POST", "/containers/c/exec", `{"Cmd":["x"]}`, errdefs.ErrConflict.WithMessage("container c is not running"), 409, "is not running"},
		{"start unknown", "POST", "/exec/x/start", `{}`, errdefs.ErrNotFound.WithMessage("No such exec instance: x"), 404, "No such exec instance"},
		{"start wrong type", "POST", "/exec/x/start", `{"Detach":"yes"}`, nil, 400, "invalid JSON"},
		{"resize bad size", "POST", "/exec/x/resize?h=a&w=1", ``, nil, 400, "invalid resize request"},
		{"inspect unknown", "GET", "/exec/x/json", ``, errdefs.ErrNotFound.WithMessage("No such exec instance: x"), 404, "No such exec instance"},
		{"unsupported", "POST", "/containers/c/exec", `{"Cmd":["x"]}`, errdefs.ErrNotImplemented.WithMessage("exec is not supported by the x backend"), 501, "not supported by the x backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			Register(mux, fakeBackend{tc.err}, streams.NewTracker())
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body)))
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Fatalf("got %d %s, want %d %q", rec.Code, rec.Body, tc.status, tc.msg)
			}
		})
	}
}
