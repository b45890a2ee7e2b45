// Package server is the agent's side of the protocol (PROTOCOL.md): it
// serves the sessions a backend opens on a multiplexed connection, whether
// the backend dialed the agent (forward mode) or the agent dialed the
// backend (reverse mode).
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/proc"
	"github.com/sockerless/sockerless/agent/internal/rootfs"
	"github.com/sockerless/sockerless/agent/internal/wire"
)

// TokenHeader carries the per-container token in both modes.
const TokenHeader = "X-Sockerless-Agent-Token"

// IDHeader carries the container ID when the agent dials the backend.
const IDHeader = "X-Sockerless-Agent-Id"

// ConnectPath is where the agent accepts connections in forward mode.
const ConnectPath = "/v1/connect"

// Agent serves sessions for one container.
type Agent struct {
	Main   *proc.Main
	Reaper *proc.Reaper
	FS     *rootfs.FS
	Token  string
	Log    zerolog.Logger
	// Delivered, when not nil, is closed once an attached backend has
	// been sent the main process's exit code.
	Delivered chan struct{}

	deliverOnce sync.Once
}

// TokenOK compares a presented token with the expected one in constant time.
func TokenOK(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Handler serves forward mode: GET /v1/connect upgrades to the agent
// WebSocket when the request carries the container's token.
func (a *Agent) Handler() http.Handler {
	up := websocket.Upgrader{ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	m := http.NewServeMux()
	m.HandleFunc("GET "+ConnectPath, func(w http.ResponseWriter, r *http.Request) {
		if !TokenOK(r.Header.Get(TokenHeader), a.Token) {
			a.Log.Warn().Str("remote", r.RemoteAddr).Msg("agent connection refused: bad token")
			http.Error(w, `{"message":"invalid agent token"}`, http.StatusUnauthorized)
			return
		}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // the upgrader has answered
		}
		a.Log.Info().Str("remote", r.RemoteAddr).Msg("backend connected")
		mux.New(ws, a.serve)
	})
	return m
}

// serve runs one session to its end.
func (a *Agent) serve(s *mux.Session) {
	defer s.Close()
	ctx := s.Context()
	var req wire.Request
	if err := json.Unmarshal(s.Request, &req); err != nil {
		sendError(ctx, s, errdefs.ErrInvalidArgument.WithMessage("bad request: "+err.Error()))
		return
	}
	err := a.dispatch(ctx, s, req)
	if err != nil && ctx.Err() == nil {
		a.Log.Debug().Err(err).Str("op", req.Op).Msg("session failed")
		sendError(ctx, s, err)
	}
}

func (a *Agent) dispatch(ctx context.Context, s *mux.Session, req wire.Request) error {
	switch req.Op {
	case wire.OpExec:
		return a.exec(ctx, s, req)
	case wire.OpAttach:
		return a.attach(ctx, s, req)
	case wire.OpWait:
		select {
		case <-a.Main.Done():
			return sendExit(ctx, s, a.Main.ExitCode())
		case <-ctx.Done():
			return ctx.Err()
		}
	case wire.OpSignal:
		if req.Signal <= 0 || req.Signal > 64 {
			return errdefs.ErrInvalidArgument.WithMessage("invalid signal number")
		}
		if err := a.Main.Signal(signal(req.Signal)); err != nil {
			return err
		}
		return sendResult(ctx, s, struct{}{})
	case wire.OpResize:
		if err := a.Main.Resize(req.Height, req.Width); err != nil {
			return err
		}
		return sendResult(ctx, s, struct{}{})
	case wire.OpHealth:
		return a.health(ctx, s, req)
	case wire.OpStat:
		st, err := a.FS.Stat(req.Path)
		if err != nil {
			return err
		}
		return sendResult(ctx, s, st)
	case wire.OpGetArchive:
		err := a.FS.GetArchive(ctx, req.Path, s.Writer(ctx, wire.TypeStdout), func(st wire.Stat) error {
			return sendResult(ctx, s, st)
		})
		if err != nil {
			return err
		}
		return sendExit(ctx, s, 0)
	case wire.OpPutArchive:
		return a.putArchive(ctx, s, req)
	}
	return errdefs.ErrInvalidArgument.WithMessage("unknown operation " + req.Op)
}

func sendResult(ctx context.Context, s *mux.Session, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.Send(ctx, wire.TypeResult, b)
}

func sendExit(ctx context.Context, s *mux.Session, code int) error {
	return s.Send(ctx, wire.TypeExit, wire.Uint32(uint32(int32(code))))
}

func sendError(ctx context.Context, s *mux.Session, err error) {
	b, _ := json.Marshal(wire.Error{Code: code(err), Message: err.Error()})
	_ = s.Send(ctx, wire.TypeError, b)
}

// code gives an error its wire code from its errdefs class.
func code(err error) string {
	switch {
	case errdefs.IsNotFound(err):
		return wire.CodeNotFound
	case errdefs.IsInvalidArgument(err):
		return wire.CodeInvalidArgument
	case errdefs.IsPermissionDenied(err):
		return wire.CodePermission
	case errdefs.IsConflict(err):
		return wire.CodeConflict
	case errdefs.IsNotImplemented(err):
		return wire.CodeNotImplemented
	case errors.Is(err, context.DeadlineExceeded), errdefs.IsUnavailable(err):
		return wire.CodeUnavailable
	}
	return wire.CodeInternal
}
