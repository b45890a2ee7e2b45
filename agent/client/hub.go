package client

import (
	"context"
	"net/http"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/server"
)

// Hub accepts agents that dial the backend (reverse mode, for FaaS
// workloads the backend cannot reach) on [ReversePath] and hands their
// connections out by container ID.
type Hub struct {
	// Token returns the token of container id, false when the backend
	// does not know the container.
	token func(id string) (string, bool)
	log   zerolog.Logger
	up    websocket.Upgrader

	mu      sync.Mutex
	conns   map[string]*Conn
	waiting map[string]chan struct{} // closed when a connection arrives
}

// NewHub returns a hub that checks agents against token.
func NewHub(token func(id string) (string, bool), log zerolog.Logger) *Hub {
	return &Hub{token: token, log: log, conns: map[string]*Conn{}, waiting: map[string]chan struct{}{},
		up: websocket.Upgrader{ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}}
}

// ServeHTTP upgrades GET [ReversePath] to the agent WebSocket when the
// request names a known container and carries its token.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(IDHeader)
	want, ok := h.token(id)
	if !ok || !server.TokenOK(r.Header.Get(TokenHeader), want) {
		h.log.Warn().Str("container_id", id).Str("remote", r.RemoteAddr).Msg("agent connection refused: bad token")
		http.Error(w, `{"message":"invalid agent token"}`, http.StatusUnauthorized)
		return
	}
	ws, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &Conn{mc: mux.New(ws, nil)}
	h.mu.Lock()
	if old := h.conns[id]; old != nil {
		old.Close()
	}
	h.conns[id] = c
	if ch := h.waiting[id]; ch != nil {
		close(ch)
		delete(h.waiting, id)
	}
	h.mu.Unlock()
	h.log.Info().Str("container_id", id).Str("remote", r.RemoteAddr).Msg("agent connected")
	go func() {
		<-c.Done()
		h.mu.Lock()
		if h.conns[id] == c {
			delete(h.conns, id)
		}
		h.mu.Unlock()
	}()
}

// Get returns the live connection of container id, waiting for the agent
// to dial in until ctx is done.
func (h *Hub) Get(ctx context.Context, id string) (*Conn, error) {
	for {
		h.mu.Lock()
		if c := h.conns[id]; c != nil && c.Err() == nil {
			h.mu.Unlock()
			return c, nil
		}
		ch := h.waiting[id]
		if ch == nil {
			ch = make(chan struct{})
			h.waiting[id] = ch
		}
		h.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, errdefs.ErrUnavailable.WithMessage("the agent of container " + id + " has not connected")
		}
	}
}

// Forget closes and drops the connection of container id.
func (h *Hub) Forget(id string) {
	h.mu.Lock()
	c := h.conns[id]
	delete(h.conns, id)
	h.mu.Unlock()
	if c != nil {
		c.Close()
	}
}
