package serve

import (
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

// PanicFunc writes the cloud's internal-error envelope after a handler
// panicked; the panic value has already been logged.
type PanicFunc func(w http.ResponseWriter, r *http.Request)

// Wrap puts the request ID and the logger into each request's context,
// writes one debug access-log line per request and turns a handler panic
// into onPanic's 500 answer instead of a dropped connection.
func Wrap(h http.Handler, log zerolog.Logger, onPanic PanicFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := reqid.New()
		l := log.With().Str("req_id", id).Logger()
		ctx := reqid.With(l.WithContext(r.Context()), id)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				l.Error().Interface("panic", v).Str("path", r.URL.Path).Msg("handler panicked")
				if !rec.wrote {
					onPanic(rec, r)
				}
			}
			l.Debug().Str("method", r.Method).Str("path", r.URL.Path).Int("status", rec.status).
				Dur("duration", time.Since(start)).Msg("request")
		}()
		h.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flush, hijack).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
