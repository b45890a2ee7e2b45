// Package mux multiplexes sessions over one agent WebSocket connection.
// Every session has its own ordered queue of frames and its own flow control
// window in each direction, so that a slow reader of one session never stalls
// the others: the connection's reader never blocks on a session.
//
// Only the backend opens sessions, whichever side dialed the connection.
package mux

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// Window is the flow control window of a session in each direction: how many
// data bytes may be in flight before the receiver grants more.
const Window = 1 << 20

// pingInterval keeps idle connections alive through proxies and load
// balancers, which drop WebSockets idle for a minute or more.
const pingInterval = 20 * time.Second

// ErrClosed is returned for operations on a closed connection.
var ErrClosed = errors.New("agent connection closed")

// Conn is one multiplexed agent connection.
type Conn struct {
	ws     *websocket.Conn
	onOpen func(*Session)
	ctx    context.Context
	cancel context.CancelCauseFunc

	// pool recycles the buffers of data frames.
	pool sync.Pool

	wmu  sync.Mutex
	wbuf []byte

	mu       sync.Mutex
	sessions map[uint32]*Session
	next     uint32
}

// New starts serving ws. On the agent side onOpen is called, in its own
// goroutine, for each session the peer opens; on the backend side it is nil
// and Open frames from the peer are a protocol error.
func New(ws *websocket.Conn, onOpen func(*Session)) *Conn {
	ctx, cancel := context.WithCancelCause(context.Background())
	c := &Conn{ws: ws, onOpen: onOpen, ctx: ctx, cancel: cancel, sessions: map[uint32]*Session{}}
	c.pool.New = func() any { b := make([]byte, wire.ChunkSize); return &b }
	ws.SetReadLimit(wire.HeaderSize + wire.MaxPayload)
	go c.readLoop()
	go c.pingLoop()
	return c
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.ctx.Done() }

// Err is why the connection ended, nil while it is up.
func (c *Conn) Err() error {
	if c.ctx.Err() == nil {
		return nil
	}
	return context.Cause(c.ctx)
}

// Close ends the connection and every session on it.
func (c *Conn) Close() error {
	c.shutdown(ErrClosed)
	return nil
}

func (c *Conn) shutdown(err error) {
	c.cancel(err)
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}

// Open opens a new session whose Open frame carries req.
func (c *Conn) Open(ctx context.Context, req []byte) (*Session, error) {
	c.mu.Lock()
	if c.ctx.Err() != nil {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: %w", ErrClosed, context.Cause(c.ctx))
	}
	c.next++
	s := newSession(c, c.next, nil)
	c.sessions[s.ID] = s
	c.mu.Unlock()
	if err := c.write(wire.Frame{Session: s.ID, Type: wire.TypeOpen, Payload: req}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (c *Conn) write(f wire.Frame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrClosed, context.Cause(c.ctx))
	}
	c.wbuf = wire.Append(c.wbuf[:0], f)
	if err := c.ws.WriteMessage(websocket.BinaryMessage, c.wbuf); err != nil {
		c.cancel(err)
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return nil
}

func (c *Conn) pingLoop() {
	t := time.NewTicker(pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.wmu.Lock()
			_ = c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(pingInterval))
			c.wmu.Unlock()
		}
	}
}

func (c *Conn) readLoop() {
	err := c.read()
	c.shutdown(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.sessions {
		s.wake()
	}
}

func (c *Conn) read() error {
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				return ErrClosed
			}
			return err
		}
		if typ != websocket.BinaryMessage {
			return fmt.Errorf("%w: text message", wire.ErrMalformed)
		}
		f, buf, err := c.readFrame(r)
		if err != nil {
			return err
		}
		if err := c.dispatch(f, buf); err != nil {
			return err
		}
	}
}

// readFrame reads one WebSocket message into a buffer of the size its
// frame header announces: data frames of up to a chunk get a pooled buffer
// that [Session.Recv] takes back, others an exact one. websocket's
// ReadMessage grows a fresh buffer from 512 bytes by doubling, which cost
// more CPU than everything else on the path.
func (c *Conn) readFrame(r io.Reader) (wire.Frame, *[]byte, error) {
	var hdr [wire.HeaderSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return wire.Frame{}, nil, fmt.Errorf("%w: %w", wire.ErrMalformed, err)
	}
	f, n, err := wire.DecodeHeader(hdr[:])
	if err != nil {
		return wire.Frame{}, nil, err
	}
	var pooled *[]byte
	if f.Type.IsData() && n <= wire.ChunkSize && n > 0 {
		pooled = c.pool.Get().(*[]byte)
		f.Payload = (*pooled)[:n]
	} else {
		f.Payload = make([]byte, n)
	}
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return wire.Frame{}, nil, fmt.Errorf("%w: %w", wire.ErrMalformed, err)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(r, extra[:]); k > 0 {
		return wire.Frame{}, nil, fmt.Errorf("%w: message longer than its header says", wire.ErrMalformed)
	}
	if err := wire.CheckPayload(f); err != nil {
		return wire.Frame{}, nil, err
	}
	return f, pooled, nil
}

func (c *Conn) dispatch(f wire.Frame, buf *[]byte) error {
	c.mu.Lock()
	s := c.sessions[f.Session]
	if f.Type == wire.TypeOpen {
		if c.onOpen == nil || s != nil || f.Session <= c.next {
			c.mu.Unlock()
			return fmt.Errorf("%w: unexpected open of session %d", wire.ErrMalformed, f.Session)
		}
		c.next = f.Session
		s = newSession(c, f.Session, f.Payload)
		c.sessions[f.Session] = s
		c.mu.Unlock()
		go c.onOpen(s)
		return nil
	}
	c.mu.Unlock()
	if s == nil {
		return nil // a session that has ended; its last frames cross its close
	}
	return s.deliver(f, buf)
}

func (c *Conn) forget(id uint32) {
	c.mu.Lock()
	delete(c.sessions, id)
	c.mu.Unlock()
}
