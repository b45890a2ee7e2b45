// Package serve runs a simulator's HTTP server: the listen/shutdown loop,
// the logger, and the middleware every simulator puts in front of its
// cloud's router (request IDs, access logs, panic containment).
package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// NewLogger returns the zerolog logger a simulator daemon writes to w, with
// the simulator's name under the stable key "simulator".
func NewLogger(w io.Writer, name string, level zerolog.Level) zerolog.Logger {
	return zerolog.New(w).Level(level).With().Timestamp().Str("simulator", name).Logger()
}

// Serve serves h on addr until ctx is done, then lets in-flight requests
// finish for up to grace. ready, if not nil, receives the bound address
// (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, grace time.Duration, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
