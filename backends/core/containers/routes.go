package containers

import (
	"net/http"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// Register adds the /containers endpoints of the Docker Engine API to mux.
// Hijacked attach connections are registered with tracker.
func Register(mux *http.ServeMux, b Backend, tracker *streams.Tracker) {
	h := handlers{b: b, tracker: tracker}
	mux.Handle("GET /containers/json", httpx.API(h.list))
	mux.Handle("POST /containers/create", httpx.API(h.create))
	mux.Handle("POST /containers/prune", httpx.API(h.prune))
	mux.Handle("GET /containers/{id}/json", httpx.API(h.inspect))
	mux.Handle("GET /containers/{id}/top", httpx.API(h.top))
	mux.Handle("GET /containers/{id}/logs", httpx.API(h.logs))
	mux.Handle("GET /containers/{id}/changes", httpx.API(h.changes))
	mux.Handle("GET /containers/{id}/export", httpx.API(h.export))
	mux.Handle("GET /containers/{id}/stats", httpx.API(h.stats))
	mux.Handle("POST /containers/{id}/resize", httpx.API(h.resize))
	mux.Handle("POST /containers/{id}/start", httpx.API(h.start))
	mux.Handle("POST /containers/{id}/stop", httpx.API(h.stop))
	mux.Handle("POST /containers/{id}/restart", httpx.API(h.restart))
	mux.Handle("POST /containers/{id}/kill", httpx.API(h.kill))
	mux.Handle("POST /containers/{id}/update", httpx.API(h.update))
	mux.Handle("POST /containers/{id}/rename", httpx.API(h.rename))
	mux.Handle("POST /containers/{id}/pause", httpx.API(h.pause))
	mux.Handle("POST /containers/{id}/unpause", httpx.API(h.unpause))
	mux.Handle("POST /containers/{id}/attach", httpx.API(h.attach))
	mux.Handle("GET /containers/{id}/attach/ws", httpx.API(h.attachWS))
	mux.Handle("POST /containers/{id}/wait", httpx.API(h.wait))
	mux.Handle("DELETE /containers/{id}", httpx.API(h.remove))
	mux.Handle("HEAD /containers/{id}/archive", httpx.API(h.statPath))
	mux.Handle("GET /containers/{id}/archive", httpx.API(h.getArchive))
	mux.Handle("PUT /containers/{id}/archive", httpx.API(h.putArchive))
	mux.Handle("POST /commit", httpx.API(h.commit))
}

type handlers struct {
	b       Backend
	tracker *streams.Tracker
}
