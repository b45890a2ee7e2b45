package proc

import (
	"errors"
	"sync"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// subscriberQueue is how many chunks a subscriber may fall behind before it
// is dropped: the main process never waits for an attached client.
const subscriberQueue = 256

// ErrTooSlow ends a subscription whose reader fell too far behind.
var ErrTooSlow = errors.New("attached client too slow: output dropped")

// Chunk is one piece of the main process's output.
type Chunk struct {
	Stream wire.Type // wire.TypeStdout or wire.TypeStderr
	Data   []byte
}

// Broadcast keeps the last max bytes of output for replay and copies new
// output to every subscriber.
type Broadcast struct {
	mu     sync.Mutex
	ring   []Chunk
	size   int
	max    int
	subs   map[*Subscription]struct{}
	closed bool
}

// NewBroadcast returns a Broadcast that replays up to max bytes.
func NewBroadcast(max int) *Broadcast {
	return &Broadcast{max: max, subs: map[*Subscription]struct{}{}}
}

// Subscription is one reader of a [Broadcast].
type Subscription struct {
	// Replay is the buffered output from before the subscription.
	Replay []Chunk
	// C delivers new output; it is closed at the end of the output or when
	// the reader falls behind (then Err is ErrTooSlow).
	C   <-chan Chunk
	c   chan Chunk
	err error
	b   *Broadcast
}

// Err is why C was closed early, nil at the end of the output.
func (s *Subscription) Err() error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.err
}

// Cancel ends the subscription.
func (s *Subscription) Cancel() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if _, ok := s.b.subs[s]; ok {
		delete(s.b.subs, s)
		close(s.c)
	}
}

// Subscribe starts a subscription. The replay and the live chunks join
// without a gap or an overlap.
func (b *Broadcast) Subscribe() *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := make(chan Chunk, subscriberQueue)
	s := &Subscription{Replay: append([]Chunk(nil), b.ring...), C: c, c: c, b: b}
	if b.closed {
		close(c)
	} else {
		b.subs[s] = struct{}{}
	}
	return s
}

// Write records a chunk of output of one stream.
func (b *Broadcast) Write(stream wire.Type, p []byte) {
	c := Chunk{Stream: stream, Data: append([]byte(nil), p...)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ring = append(b.ring, c)
	b.size += len(c.Data)
	for b.size > b.max && len(b.ring) > 0 {
		b.size -= len(b.ring[0].Data)
		b.ring[0] = Chunk{}
		b.ring = b.ring[1:]
	}
	for s := range b.subs {
		select {
		case s.c <- c:
		default:
			s.err = ErrTooSlow
			delete(b.subs, s)
			close(s.c)
		}
	}
}

// Close ends the output: every subscription's channel is closed.
func (b *Broadcast) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.c)
	}
}

// streamWriter writes one stream to a Broadcast and to the agent's own
// output (where the cloud's log driver picks it up).
type streamWriter struct {
	b      *Broadcast
	stream wire.Type
	out    interface{ Write([]byte) (int, error) }
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.b.Write(w.stream, p)
	if w.out != nil {
		_, _ = w.out.Write(p)
	}
	return len(p), nil
}
