// Package execs serves the exec endpoints of the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Exec):
// create, start (hijacked unless detached), resize and inspect.
package execs

import (
	"context"
	"net/http"
	"strconv"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/common"
	"github.com/moby/moby/api/types/container"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// Backend is what the exec handlers need; *engine.Engine implements it.
type Backend interface {
	ExecCreate(ctx context.Context, ref string, req container.ExecCreateRequest) (string, error)
	ExecStart(ctx context.Context, id string, req container.ExecStartRequest) (*engine.ExecSession, error)
	ExecInspect(ctx context.Context, id string) (container.ExecInspectResponse, error)
	ExecResize(ctx context.Context, id string, size driver.TermSize) error
}

var _ Backend = (*engine.Engine)(nil)

// Register adds the exec endpoints to mux. Hijacked connections are
// registered with tracker.
func Register(mux *http.ServeMux, b Backend, tracker *streams.Tracker) {
	h := handlers{b: b, tracker: tracker}
	mux.Handle("POST /containers/{id}/exec", httpx.API(h.create))
	mux.Handle("POST /exec/{id}/start", httpx.API(h.start))
	mux.Handle("POST /exec/{id}/resize", httpx.API(h.resize))
	mux.Handle("GET /exec/{id}/json", httpx.API(h.inspect))
}

type handlers struct {
	b       Backend
	tracker *streams.Tracker
}

// create answers POST /containers/{id}/exec (ContainerExec).
func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	var req container.ExecCreateRequest
	if err := httpx.DecodeJSON(r, &req, false); err != nil {
		return err
	}
	id, err := h.b.ExecCreate(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, common.IDResponse{ID: id})
}

// start answers POST /exec/{id}/start (ExecStart). A detached exec runs in
// the background and the request returns at once, without hijacking.
func (h handlers) start(w http.ResponseWriter, r *http.Request) error {
	var req container.ExecStartRequest
	if err := httpx.DecodeJSON(r, &req, true); err != nil {
		return err
	}
	s, err := h.b.ExecStart(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	if s.Detach() {
		go s.Run(ctx, nil, nil)
		w.WriteHeader(http.StatusOK)
		return nil
	}
	ct := httpx.MultiplexedStream
	if s.TTY() {
		ct = httpx.RawStream
	}
	conn, rw, err := httpx.Hijack(w, r, ct)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("exec hijack failed")
		s.Run(ctx, nil, nil)
		return nil
	}
	done := h.tracker.Add(conn)
	defer done()
	defer conn.Close()
	s.Run(ctx, rw.Reader, conn)
	return nil
}

// resize answers POST /exec/{id}/resize (ExecResize).
func (h handlers) resize(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	hh, err1 := strconv.ParseUint(q.Get("h"), 10, 16)
	ww, err2 := strconv.ParseUint(q.Get("w"), 10, 16)
	if err1 != nil || err2 != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid resize request: h and w must be unsigned integers")
	}
	if err := h.b.ExecResize(r.Context(), r.PathValue("id"), driver.TermSize{Height: uint(hh), Width: uint(ww)}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// inspect answers GET /exec/{id}/json (ExecInspect).
func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	resp, err := h.b.ExecInspect(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, resp)
}
