package mux

import (
	"context"
	"fmt"
	"sync"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// maxControl bounds the control frames queued in one session, so a peer
// cannot grow the queue without limit with frames the window does not count.
const maxControl = 4096

// Session is one multiplexed exchange: an exec, an attach, an archive copy.
type Session struct {
	// ID is the session's number on its connection.
	ID uint32
	// Request is the payload of the Open frame (agent side only).
	Request []byte

	c      *Conn
	ctx    context.Context
	cancel context.CancelFunc
	notify chan struct{} // a frame was queued or the session ended
	credit chan struct{} // send credit was granted

	mu       sync.Mutex
	queue    []queued
	lent     *[]byte // pooled buffer of the data frame Recv returned last
	queued   int     // data bytes in queue
	controls int     // control frames in queue
	consumed int     // data bytes received and not yet granted back
	sendable int     // data bytes we may still send
	ended    bool
}

// queued is a frame waiting for Recv, with the pooled buffer it was read
// into (nil when it was not).
type queued struct {
	f   wire.Frame
	buf *[]byte
}

func newSession(c *Conn, id uint32, req []byte) *Session {
	ctx, cancel := context.WithCancel(c.ctx)
	return &Session{ID: id, Request: req, c: c, ctx: ctx, cancel: cancel,
		notify: make(chan struct{}, 1), credit: make(chan struct{}, 1), sendable: Window}
}

// Context is done when the peer abandons the session (a Close frame), the
// session is closed, or the connection ends.
func (s *Session) Context() context.Context { return s.ctx }

func (s *Session) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *Session) deliver(f wire.Frame, buf *[]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case f.Type == wire.TypeWindow:
		s.sendable += int(wire.ParseUint32(f.Payload))
		select {
		case s.credit <- struct{}{}:
		default:
		}
		return nil
	case f.Type == wire.TypeClose:
		s.cancel()
		return nil
	case f.Type.IsData():
		if s.queued+len(f.Payload) > Window {
			return fmt.Errorf("%w: session %d overran its window", wire.ErrMalformed, s.ID)
		}
		s.queued += len(f.Payload)
	default:
		if s.controls >= maxControl {
			return fmt.Errorf("%w: session %d queued too many control frames", wire.ErrMalformed, s.ID)
		}
		s.controls++
	}
	s.queue = append(s.queue, queued{f, buf})
	s.wake()
	return nil
}

// Recv returns the next frame of the session, in the order they were sent.
// It grants the peer send credit for the data it hands out. The payload of
// a data frame is valid until the next call to Recv, which recycles its
// buffer.
func (s *Session) Recv(ctx context.Context) (wire.Frame, error) {
	s.mu.Lock()
	if s.lent != nil {
		s.c.pool.Put(s.lent)
		s.lent = nil
	}
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			q := s.queue[0]
			f := q.f
			s.lent = q.buf
			s.queue[0] = queued{}
			s.queue = s.queue[1:]
			grant := 0
			if f.Type.IsData() {
				s.queued -= len(f.Payload)
				s.consumed += len(f.Payload)
				if s.consumed >= Window/4 {
					grant, s.consumed = s.consumed, 0
				}
			} else {
				s.controls--
			}
			s.mu.Unlock()
			if grant > 0 {
				if err := s.c.write(wire.Frame{Session: s.ID, Type: wire.TypeWindow, Payload: wire.Uint32(uint32(grant))}); err != nil {
					return wire.Frame{}, err
				}
			}
			return f, nil
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-s.c.ctx.Done():
			// Drain what arrived before the connection ended.
			s.mu.Lock()
			n := len(s.queue)
			s.mu.Unlock()
			if n == 0 {
				return wire.Frame{}, fmt.Errorf("%w: %w", ErrClosed, context.Cause(s.c.ctx))
			}
		case <-ctx.Done():
			return wire.Frame{}, ctx.Err()
		}
	}
}

// Send sends one frame. Data frames are cut into chunks and wait for send
// credit; control frames go at once.
func (s *Session) Send(ctx context.Context, typ wire.Type, p []byte) error {
	if !typ.IsData() {
		return s.c.write(wire.Frame{Session: s.ID, Type: typ, Payload: p})
	}
	for len(p) > 0 {
		n, err := s.reserve(ctx, min(len(p), wire.ChunkSize))
		if err != nil {
			return err
		}
		if err := s.c.write(wire.Frame{Session: s.ID, Type: typ, Payload: p[:n]}); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// reserve waits for send credit and takes up to want bytes of it.
func (s *Session) reserve(ctx context.Context, want int) (int, error) {
	for {
		s.mu.Lock()
		if s.sendable > 0 {
			n := min(want, s.sendable)
			s.sendable -= n
			s.mu.Unlock()
			return n, nil
		}
		s.mu.Unlock()
		select {
		case <-s.credit:
		case <-s.ctx.Done():
			return 0, fmt.Errorf("session %d ended: %w", s.ID, context.Cause(s.ctx))
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// Writer returns an io.Writer that sends data frames of type typ.
func (s *Session) Writer(ctx context.Context, typ wire.Type) *Writer {
	return &Writer{s: s, ctx: ctx, typ: typ}
}

// Writer sends what is written to it as data frames of one type.
type Writer struct {
	s   *Session
	ctx context.Context
	typ wire.Type
}

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if err := w.s.Send(w.ctx, w.typ, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close forgets the session: frames that still arrive for it are dropped.
func (s *Session) Close() { s.close(false) }

// Abandon tells the peer to stop the session (the backend giving up before
// the end: the agent cancels what the session runs) and forgets it.
func (s *Session) Abandon() { s.close(true) }

func (s *Session) close(abandon bool) {
	s.mu.Lock()
	ended := s.ended
	s.ended = true
	s.mu.Unlock()
	if ended {
		return
	}
	if abandon {
		_ = s.c.write(wire.Frame{Session: s.ID, Type: wire.TypeClose})
	}
	s.cancel()
	s.c.forget(s.ID)
}
