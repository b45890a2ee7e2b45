package networks

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/store"
)

type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) Publish(_ context.Context, m mevents.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, string(m.Action)+" "+m.Actor.Attributes["container"])
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// TestAnnounce checks the connect and disconnect events follow dockerd:
// a stopped container's endpoints are silent until it starts, leave with
// an event when it stops, and an explicit disconnect is always announced.
func TestAnnounce(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	m, err := Open(ctx, st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m.SetEvents(rec)
	running := map[string]bool{}
	m.SetLive(func(id string) bool { return running[id] })
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"connect stopped", func() { _, _, _ = m.Connect(ctx, "c1", "one", "bridge", nil) }, nil},
		{"start", func() { running["c1"] = true; m.Announce(ctx, "c1", true) }, []string{"connect c1"}},
		{"stop", func() { running["c1"] = false; m.Announce(ctx, "c1", false) }, []string{"disconnect c1"}},
		{"explicit disconnect of a stopped container", func() { _, _ = m.Disconnect(ctx, "c1", "bridge") }, []string{"disconnect c1"}},
		{"connect running", func() { running["c2"] = true; _, _, _ = m.Connect(ctx, "c2", "two", "bridge", nil) }, []string{"connect c2"}},
		{"release running", func() { m.Release(ctx, "c2") }, []string{"disconnect c2"}},
		{"release stopped", func() { _, _, _ = m.Connect(ctx, "c3", "three", "bridge", nil); m.Release(ctx, "c3") }, nil},
	}
	for _, s := range steps {
		s.do()
		if d := cmp.Diff(s.want, rec.take()); d != "" {
			t.Errorf("%s: events (-want +got):\n%s", s.name, d)
		}
	}
}
