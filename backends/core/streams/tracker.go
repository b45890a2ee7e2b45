package streams

import (
	"net"
	"sync"
)

// Tracker keeps the hijacked connections that are open, so that shutdown
// can end them: http.Server.Shutdown does not wait for or close them.
type Tracker struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{conns: map[net.Conn]struct{}{}} }

// Add registers conn; it returns a function that unregisters it. After
// [Tracker.CloseAll], conn is closed at once.
func (t *Tracker) Add(conn net.Conn) func() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		conn.Close()
		return func() {}
	}
	t.conns[conn] = struct{}{}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.conns, conn)
	}
}

// CloseAll closes every registered connection and any added later.
func (t *Tracker) CloseAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done = true
	for c := range t.conns {
		c.Close()
	}
	clear(t.conns)
}
