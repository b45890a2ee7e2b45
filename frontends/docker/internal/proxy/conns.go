package proxy

import (
	"io"
	"sync"
)

// Conns tracks hijacked connections, which [http.Server.Shutdown] neither
// waits for nor closes.
type Conns struct {
	mu     sync.Mutex
	set    map[io.Closer]struct{}
	closed bool
}

// NewConns returns an empty set.
func NewConns() *Conns { return &Conns{set: make(map[io.Closer]struct{})} }

// Add tracks c. It closes c and reports false once [Conns.CloseAll] ran.
func (s *Conns) Add(c io.Closer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return false
	}
	s.set[c] = struct{}{}
	return true
}

// Remove stops tracking c.
func (s *Conns) Remove(c io.Closer) {
	s.mu.Lock()
	delete(s.set, c)
	s.mu.Unlock()
}

// Len is the number of tracked connections.
func (s *Conns) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.set)
}

// CloseAll closes every tracked connection and every later one; register
// it with [http.Server.RegisterOnShutdown].
func (s *Conns) CloseAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.set {
		c.Close()
	}
	clear(s.set)
}
