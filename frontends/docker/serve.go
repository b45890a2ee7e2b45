package docker

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Serve runs srv on every listener until ctx is done or one of them fails,
// then lets in-flight requests finish for up to grace and closes the
// connections of those that did not. Hijacked streams are closed by the
// functions registered with srv.RegisterOnShutdown.
func Serve(ctx context.Context, srv *http.Server, lns []net.Listener, grace time.Duration) error {
	errc := make(chan error, len(lns))
	for _, l := range lns {
		go func() { errc <- srv.Serve(l) }()
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if serr := srv.Shutdown(sctx); errors.Is(serr, context.DeadlineExceeded) {
		// Followed logs, events and stats streams never end on their own:
		// past the grace period they are cut, as a client expects of a
		// daemon that stops.
		_ = srv.Close()
	} else if serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
