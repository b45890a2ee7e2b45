// Package docker is the Sockerless Docker frontend: the Docker Engine API
// v1.51 as clients see it (https://docs.docker.com/reference/api/engine/version/v1.51/).
// It answers what is about the client itself (/vX.Y prefixes, /_ping,
// /version, the frontend's part of /info) and proxies every other request,
// hijacked attach and exec streams included, to a Sockerless backend
// daemon that serves the Docker routes unversioned ([backendapi]).
//
// [backendapi]: https://pkg.go.dev/github.com/sockerless/sockerless/api/backendapi
package docker

import (
	"context"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/frontends/docker/internal/backend"
	"github.com/sockerless/sockerless/frontends/docker/internal/proxy"
	"github.com/sockerless/sockerless/frontends/docker/internal/system"
)

// Build describes the frontend binary for /version and /info.
type Build = system.Build

// RequestIDHeader carries the request ID to the client and the backend.
const RequestIDHeader = "X-Request-Id"

// Config is what [NewServer] needs.
type Config struct {
	// Backend is the backend daemon's address: unix:///path or http://host:port.
	Backend string
	// Token is the shared secret (SOCKERLESS_TOKEN) sent to the backend.
	Token string
	Build Build
	Log   zerolog.Logger
}

// Server is the frontend's HTTP handler.
type Server struct {
	handler http.Handler
	proxy   *proxy.Proxy
	backend *backend.Client
}

// NewServer returns the frontend for cfg.
func NewServer(cfg Config) (*Server, error) {
	b, err := backend.New(cfg.Backend, cfg.Token)
	if err != nil {
		return nil, err
	}
	common := system.Headers(cfg.Build)
	own := []string{RequestIDHeader}
	for k := range common {
		own = append(own, k)
	}
	p := proxy.New(b, own, cfg.Log)

	mux := http.NewServeMux()
	system.Register(mux, cfg.Build, b)
	mux.Handle("/", p)

	var h http.Handler = mux
	h = httpx.StripVersion(h)
	h = libpodPrefix(h)
	h = withHeaders(common, h)
	h = hlog.AccessHandler(accessLog)(h)
	h = hlog.RequestIDHandler("req_id", RequestIDHeader)(h)
	h = hlog.NewHandler(cfg.Log)(h)
	return &Server{handler: h, proxy: p, backend: b}, nil
}

// BackendInfo asks the backend daemon who it is.
func (s *Server) BackendInfo(ctx context.Context) (backendapi.Info, error) {
	return s.backend.Info(ctx)
}

// ServeHTTP serves the Docker Engine API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// CloseStreams closes every hijacked attach or exec stream, now and from
// then on; [http.Server.Shutdown] does not wait for them, so register it
// with [http.Server.RegisterOnShutdown].
func (s *Server) CloseStreams() { s.proxy.Conns().CloseAll() }

// Streams is the number of hijacked streams being relayed.
func (s *Server) Streams() int { return s.proxy.Conns().Len() }

// withHeaders sets the headers dockerd puts on every answer, errors
// included, before any handler runs.
func withHeaders(common http.Header, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range common {
			h[k] = append([]string(nil), v...)
		}
		if id, ok := hlog.IDFromRequest(r); ok {
			r.Header.Set(RequestIDHeader, id.String())
		}
		next.ServeHTTP(w, r)
	})
}

func accessLog(r *http.Request, status, size int, d time.Duration) {
	hlog.FromRequest(r).Debug().Str("method", r.Method).Str("path", r.URL.Path).
		Int("status", status).Int("size", size).Dur("duration", d).Msg("request")
}
