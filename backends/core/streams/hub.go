package streams

import (
	"io"
	"sync"
)

// Stream names a standard stream.
type Stream int

// The standard output streams.
const (
	Stdout Stream = 1
	Stderr Stream = 2
)

// maxPending bounds what a client buffers before its connection is ready.
const maxPending = 1 << 20

// Client is the output side of one attached client. Output written before
// the client's connection is ready ([Client.Connect]) is buffered, so that
// an attach registered before a start misses nothing.
type Client struct {
	want [3]bool // by Stream
	mu   sync.Mutex
	out  [3]io.Writer
	pend []chunk
	size int
	done chan struct{}
	once sync.Once
}

type chunk struct {
	s Stream
	p []byte
}

// NewClient returns a client that wants the given streams.
func NewClient(stdout, stderr bool) *Client {
	c := &Client{done: make(chan struct{})}
	c.want[Stdout], c.want[Stderr] = stdout, stderr
	return c
}

// Connect sets where the client's output goes and flushes what was
// buffered. With tty, both streams are raw on w; otherwise they are framed.
func (c *Client) Connect(w io.Writer, tty bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tty {
		c.out[Stdout], c.out[Stderr] = w, w
	} else {
		c.out[Stdout], c.out[Stderr], _ = NewFrameWriters(w)
	}
	for _, ch := range c.pend {
		if _, err := c.out[ch.s].Write(ch.p); err != nil {
			return err
		}
	}
	c.pend, c.size = nil, 0
	return nil
}

// write delivers p; an error means the client is gone.
func (c *Client) write(s Stream, p []byte) error {
	if !c.want[s] {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out[s] == nil {
		if c.size+len(p) > maxPending {
			return io.ErrShortWrite
		}
		c.pend = append(c.pend, chunk{s, append([]byte(nil), p...)})
		c.size += len(p)
		return nil
	}
	_, err := c.out[s].Write(p)
	return err
}

// Done is closed when the client's run ended (the container stopped) or
// its connection failed.
func (c *Client) Done() <-chan struct{} { return c.done }

func (c *Client) end() { c.once.Do(func() { close(c.done) }) }

// Hub fans a container's output out to its attached clients.
type Hub struct {
	mu      sync.Mutex
	clients map[*Client]struct{}
}

// Add attaches c.
func (h *Hub) Add(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients == nil {
		h.clients = map[*Client]struct{}{}
	}
	h.clients[c] = struct{}{}
}

// Remove detaches c.
func (h *Hub) Remove(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

// Write sends p of stream s to every client; a client whose connection
// fails is dropped.
func (h *Hub) Write(s Stream, p []byte) {
	h.mu.Lock()
	clients := make([]*Client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		if err := c.write(s, p); err != nil {
			h.Remove(c)
			c.end()
		}
	}
}

// EndRun ends every attached client: the container stopped.
func (h *Hub) EndRun() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.end()
		delete(h.clients, c)
	}
}

// Writer returns an io.Writer feeding stream s of h.
func (h *Hub) Writer(s Stream) io.Writer { return hubWriter{h, s} }

type hubWriter struct {
	h *Hub
	s Stream
}

func (w hubWriter) Write(p []byte) (int, error) {
	w.h.Write(w.s, p)
	return len(p), nil
}
