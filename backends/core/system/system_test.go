package system

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"
	msystem "github.com/moby/moby/api/types/system"

	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
)

type fakeContainers struct{}

func (fakeContainers) Counts() engine.Counts {
	return engine.Counts{Total: 3, Running: 1, Paused: 1, Stopped: 1}
}
func (fakeContainers) DiskUsage(context.Context) []container.Summary {
	return []container.Summary{}
}

func newMux(bus *events.Bus) *http.ServeMux {
	mux := http.NewServeMux()
	Register(mux, Options{Backend: "fake", Version: "1.0", DataDir: "/data", ID: "id", Containers: fakeContainers{}, Events: bus})
	return mux
}

func TestInfo(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux(events.New()).ServeHTTP(rec, httptest.NewRequest("GET", "/info", nil))
	var info msystem.Info
	if err := json.NewDecoder(rec.Body).Decode(&info); err != nil {
		t.Fatal(err)
	}
	if info.Containers != 3 || info.ContainersPaused != 1 || info.Driver != "sockerless-fake" || info.DockerRootDir != "/data" ||
		info.OSType != "linux" || info.NCPU == 0 || info.ServerVersion != "1.0" {
		t.Fatalf("info %+v", info)
	}
}

func TestEvents(t *testing.T) {
	bus := events.New()
	bus.Publish(context.Background(), mevents.Message{Type: mevents.ContainerEventType, Action: mevents.ActionCreate, Actor: mevents.Actor{ID: "c1"}})
	tests := []struct {
		name, query string
		status      int
		body        string
	}{
		{"bad since", "?since=yesterday", 400, "invalid timestamp"},
		{"bad filter", "?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D", 400, "invalid filter 'nope'"},
		{"until before since", "?since=100&until=50", 400, "must be before"},
		{"past window", "?since=0&until=1", 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newMux(bus).ServeHTTP(rec, httptest.NewRequest("GET", "/events"+tc.query, nil))
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestEventsReplayAndLive(t *testing.T) {
	bus := events.New()
	bus.Publish(context.Background(), mevents.Message{Type: mevents.ContainerEventType, Action: mevents.ActionCreate, Actor: mevents.Actor{ID: "c1"}})
	srv := httptest.NewServer(newMux(bus))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/events?since=1&filters=%7B%22container%22%3A%5B%22c1%22%5D%7D")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	var m mevents.Message
	if err := dec.Decode(&m); err != nil || m.Action != mevents.ActionCreate {
		t.Fatalf("replayed %+v %v", m, err)
	}
	bus.Publish(context.Background(), mevents.Message{Type: mevents.ContainerEventType, Action: mevents.ActionStart, Actor: mevents.Actor{ID: "c2"}})
	bus.Publish(context.Background(), mevents.Message{Type: mevents.ContainerEventType, Action: mevents.ActionStart, Actor: mevents.Actor{ID: "c1"}})
	if err := dec.Decode(&m); err != nil || m.Action != mevents.ActionStart || m.Actor.ID != "c1" {
		t.Fatalf("live %+v %v", m, err)
	}
}
