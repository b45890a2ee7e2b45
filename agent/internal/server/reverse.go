package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/rootfs"
	"github.com/sockerless/sockerless/agent/internal/wire"
)

func rootfsOptions(req wire.Request) rootfs.ExtractOptions {
	return rootfs.ExtractOptions{NoOverwriteDirNonDir: req.NoOverwriteDirNonDir, CopyUIDGID: req.CopyUIDGID}
}

// WebSocketURL turns an http(s) URL into the ws(s) URL to dial.
func WebSocketURL(u string) string {
	switch {
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		return "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u
}

// DialBack serves reverse mode: it dials the backend's callback URL with the
// container's ID and token, serves the sessions the backend opens, and dials
// again (with backoff) when the connection drops, until ctx is done.
func (a *Agent) DialBack(ctx context.Context, url, id string) error {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	h := http.Header{TokenHeader: {a.Token}, IDHeader: {id}}
	backoff := 100 * time.Millisecond
	for {
		ws, resp, err := d.DialContext(ctx, WebSocketURL(url), h)
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if err == nil {
			backoff = 100 * time.Millisecond
			a.Log.Info().Str("url", url).Msg("connected to backend")
			c := mux.New(ws, a.serve)
			select {
			case <-c.Done():
				a.Log.Warn().Err(c.Err()).Msg("backend connection lost")
			case <-ctx.Done():
				c.Close()
				return nil
			}
		} else {
			if resp != nil {
				err = fmt.Errorf("%w (status %d)", err, resp.StatusCode)
			}
			a.Log.Warn().Err(err).Str("url", url).Dur("retry_in", backoff).Msg("cannot reach backend")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}
