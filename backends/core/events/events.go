// Package events is the backend's event bus: the source of the Docker
// Engine API's GET /events stream
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/System/operation/SystemEvents).
// Components publish moby [events.Message] values; subscribers get the
// recent past (for "since") and then live events.
package events

import (
	"context"
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
)

// Publisher is what components that emit events need.
type Publisher interface {
	Publish(ctx context.Context, m events.Message)
}

// history is how many past events the bus keeps for "since"; dockerd keeps 256.
const history = 1024

// subBuffer is how far a subscriber may fall behind before it is dropped.
const subBuffer = 1024

// Bus fans events out to subscribers. The zero value is not usable; call [New].
type Bus struct {
	mu     sync.Mutex
	past   []events.Message // ring of the last history events
	next   int
	full   bool
	subs   map[*Subscription]struct{}
	closed bool
	now    func() time.Time
}

// New returns an empty bus.
func New() *Bus {
	return &Bus{past: make([]events.Message, history), subs: map[*Subscription]struct{}{}, now: time.Now}
}

var _ Publisher = (*Bus)(nil)

// Publish stamps m with the current time (when unset) and the local scope
// and delivers it. A subscriber that cannot keep up is dropped rather than
// slowing the publisher.
func (b *Bus) Publish(_ context.Context, m events.Message) {
	if m.TimeNano == 0 {
		t := b.now()
		m.Time, m.TimeNano = t.Unix(), t.UnixNano()
	}
	if m.Scope == "" {
		m.Scope = "local"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.past[b.next] = m
	b.next = (b.next + 1) % history
	b.full = b.full || b.next == 0
	for s := range b.subs {
		select {
		case s.c <- m:
		default:
			delete(b.subs, s)
			close(s.c)
		}
	}
}

// Subscription is a live feed of events.
type Subscription struct {
	c   chan events.Message
	bus *Bus
}

// C delivers events; it is closed when the subscription ends (Close, a
// subscriber that fell behind, or the bus closing).
func (s *Subscription) C() <-chan events.Message { return s.c }

// Close ends the subscription.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	if _, ok := s.bus.subs[s]; ok {
		delete(s.bus.subs, s)
		close(s.c)
	}
}

// Subscribe returns the events kept in history, oldest first, and a
// subscription to the ones that follow, with nothing lost in between.
func (b *Bus) Subscribe() ([]events.Message, *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var past []events.Message
	if b.full {
		past = append(past, b.past[b.next:]...)
	}
	past = append(past, b.past[:b.next]...)
	s := &Subscription{c: make(chan events.Message, subBuffer), bus: b}
	if b.closed {
		close(s.c)
		return past, s
	}
	b.subs[s] = struct{}{}
	return past, s
}

// Close ends every subscription.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.c)
	}
}

// Subscribers counts the live subscriptions, for /info's NEventsListener.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
