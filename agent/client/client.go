// Package client is the backend's side of the agent protocol (PROTOCOL.md in
// the agent module): it dials an agent in forward mode, accepts agents that
// dial back in reverse mode ([Hub]), and runs exec, attach, signals and
// archive copies as sessions multiplexed over one connection per container.
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/gorilla/websocket"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/server"
	"github.com/sockerless/sockerless/agent/internal/wire"
)

// TokenHeader carries the per-container token in both modes.
const TokenHeader = server.TokenHeader

// IDHeader carries the container ID when an agent dials the backend.
const IDHeader = server.IDHeader

// ConnectPath is the path of the agent's forward-mode endpoint.
const ConnectPath = server.ConnectPath

// ReversePath is where a backend accepts agents that dial back.
const ReversePath = "/internal/v1/agent/connect"

// ExecSpec is a process to run in the container.
type ExecSpec = wire.ExecSpec

// Stat describes a container path.
type Stat = wire.Stat

// Conn is one multiplexed connection to a container's agent.
type Conn struct {
	mc *mux.Conn
}

// DialOptions tune [Dial].
type DialOptions struct {
	// TLS configures wss:// connections.
	TLS *tls.Config
	// Timeout bounds the handshake (default 10 s).
	Timeout time.Duration
}

// Dial connects to the agent serving forward mode at baseURL
// (http://host:port or https://host:port), presenting token.
func Dial(ctx context.Context, baseURL, token string, opts DialOptions) (*Conn, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	d := websocket.Dialer{HandshakeTimeout: opts.Timeout, TLSClientConfig: opts.TLS,
		ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	u := server.WebSocketURL(strings.TrimSuffix(baseURL, "/")) + ConnectPath
	ws, resp, err := d.DialContext(ctx, u, http.Header{TokenHeader: {token}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		switch {
		case resp != nil && resp.StatusCode == http.StatusUnauthorized:
			return nil, errdefs.ErrPermissionDenied.WithMessage("agent at " + baseURL + " refused the token")
		case resp != nil:
			return nil, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("dial agent at %s: %v (status %d)", baseURL, err, resp.StatusCode))
		}
		return nil, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("dial agent at %s: %v", baseURL, err))
	}
	return &Conn{mc: mux.New(ws, nil)}, nil
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.mc.Done() }

// Err is why the connection ended, nil while it is up.
func (c *Conn) Err() error { return c.mc.Err() }

// Close ends the connection and every session on it.
func (c *Conn) Close() error { return c.mc.Close() }

// open starts a session for req.
func (c *Conn) open(ctx context.Context, req wire.Request) (*mux.Session, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	s, err := c.mc.Open(ctx, b)
	if err != nil {
		return nil, errdefs.ErrUnavailable.WithMessage(err.Error())
	}
	return s, nil
}

// agentError turns the payload of an Error frame into an errdefs class.
func agentError(p []byte) error {
	var e wire.Error
	if err := json.Unmarshal(p, &e); err != nil {
		return errdefs.ErrInternal.WithMessage("agent sent a malformed error")
	}
	switch e.Code {
	case wire.CodeNotFound:
		return errdefs.ErrNotFound.WithMessage(e.Message)
	case wire.CodeInvalidArgument:
		return errdefs.ErrInvalidArgument.WithMessage(e.Message)
	case wire.CodePermission:
		return errdefs.ErrPermissionDenied.WithMessage(e.Message)
	case wire.CodeConflict:
		return errdefs.ErrConflict.WithMessage(e.Message)
	case wire.CodeUnavailable:
		return errdefs.ErrUnavailable.WithMessage(e.Message)
	case wire.CodeNotImplemented:
		return errdefs.ErrNotImplemented.WithMessage(e.Message)
	}
	return errdefs.ErrInternal.WithMessage(e.Message)
}

// recvErr classifies a failed Recv: the connection dropping mid-session.
func recvErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errdefs.ErrUnavailable.WithMessage("agent connection lost: " + err.Error())
}

// oneShot runs a request whose answer is one Result frame.
func (c *Conn) oneShot(ctx context.Context, req wire.Request, out any) error {
	s, err := c.open(ctx, req)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			if ctx.Err() != nil {
				s.Abandon()
			}
			return recvErr(ctx, err)
		}
		switch f.Type {
		case wire.TypeResult:
			if out == nil {
				return nil
			}
			return json.Unmarshal(f.Payload, out)
		case wire.TypeError:
			return agentError(f.Payload)
		}
	}
}

// Signal sends signal number sig to the main process.
func (c *Conn) Signal(ctx context.Context, sig int) error {
	return c.oneShot(ctx, wire.Request{Op: wire.OpSignal, Signal: sig}, nil)
}

// Resize resizes the main process's terminal.
func (c *Conn) Resize(ctx context.Context, height, width uint16) error {
	return c.oneShot(ctx, wire.Request{Op: wire.OpResize, Height: height, Width: width}, nil)
}

// Stat describes path in the container.
func (c *Conn) Stat(ctx context.Context, path string) (Stat, error) {
	var st Stat
	err := c.oneShot(ctx, wire.Request{Op: wire.OpStat, Path: path}, &st)
	return st, err
}

// Health runs a health check command with a timeout and returns its exit
// code and (capped) output.
func (c *Conn) Health(ctx context.Context, spec ExecSpec, timeout time.Duration) (int, string, error) {
	var h wire.Health
	err := c.oneShot(ctx, wire.Request{Op: wire.OpHealth, Exec: &spec, Timeout: timeout}, &h)
	return h.ExitCode, h.Output, err
}

// Wait blocks until the main process ends and returns its exit code.
func (c *Conn) Wait(ctx context.Context) (int, error) {
	s, err := c.open(ctx, wire.Request{Op: wire.OpWait})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			if ctx.Err() != nil {
				s.Abandon()
			}
			return 0, recvErr(ctx, err)
		}
		switch f.Type {
		case wire.TypeExit:
			return int(int32(wire.ParseUint32(f.Payload))), nil
		case wire.TypeError:
			return 0, agentError(f.Payload)
		}
	}
}
