package events

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/filters"
)

func msg(typ events.Type, action events.Action, id, name string) events.Message {
	return events.Message{Type: typ, Action: action, Actor: events.Actor{ID: id, Attributes: map[string]string{"name": name, "image": "busybox"}}}
}

func TestBusHistoryAndLive(t *testing.T) {
	b := New()
	ctx := context.Background()
	b.Publish(ctx, msg(events.ContainerEventType, events.ActionCreate, "c1", "web"))
	past, sub := b.Subscribe()
	defer sub.Close()
	if len(past) != 1 || past[0].TimeNano == 0 || past[0].Scope != "local" {
		t.Fatalf("past %+v", past)
	}
	b.Publish(ctx, msg(events.ContainerEventType, events.ActionStart, "c1", "web"))
	if m := <-sub.C(); m.Action != events.ActionStart {
		t.Fatalf("live %+v", m)
	}
	if b.Subscribers() != 1 {
		t.Fatalf("subscribers %d", b.Subscribers())
	}
	for range history + 5 {
		b.Publish(ctx, msg(events.ContainerEventType, events.ActionDie, "c1", "web"))
	}
	if past, s2 := b.Subscribe(); len(past) != history {
		t.Fatalf("kept %d events", len(past))
	} else {
		s2.Close()
	}
	b.Close()
	for range sub.C() {
	}
}

func TestMatch(t *testing.T) {
	start := msg(events.ContainerEventType, events.ActionStart, "abc123", "web")
	exec := msg(events.ContainerEventType, "exec_start: sh -c true", "abc123", "web")
	pull := msg(events.ImageEventType, events.ActionPull, "busybox:latest", "busybox")
	tests := []struct {
		filter string
		m      events.Message
		want   bool
	}{
		{`{}`, start, true},
		{`{"type":["container"]}`, pull, false},
		{`{"container":["web"]}`, start, true},
		{`{"container":["abc"]}`, start, true},
		{`{"container":["db"]}`, start, false},
		{`{"event":["exec_start"]}`, exec, true},
		{`{"event":["die"]}`, start, false},
		{`{"image":["busybox"]}`, start, true},
		{`{"image":["busybox:latest"]}`, pull, true},
		{`{"label":["x=y"]}`, start, false},
	}
	for _, tc := range tests {
		f, err := filters.Parse(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := Match(f, tc.m); got != tc.want {
			t.Errorf("%s on %s %s: got %v", tc.filter, tc.m.Type, tc.m.Action, got)
		}
	}
}
