package server

import (
	"net/http"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/volumes"
)

// registerVolumes serves the /volumes endpoints from o.Volumes. A handler
// built without a volume manager (tests of other resources) has no
// volumes: lists are empty, lookups are 404 and creating one is a 501
// naming the backend.
func registerVolumes(mux *http.ServeMux, o HandlerOptions, backend string) {
	if o.Volumes != nil {
		volumes.Register(mux, o.Volumes)
		return
	}
	mux.Handle("GET /volumes", httpx.API(func(w http.ResponseWriter, r *http.Request) error {
		return httpx.WriteJSON(w, http.StatusOK, volume.ListResponse{Volumes: []volume.Volume{}, Warnings: []string{}})
	}))
	noSuch := httpx.API(func(w http.ResponseWriter, r *http.Request) error {
		return errdefs.ErrNotFound.WithMessage("get " + r.PathValue("name") + ": no such volume")
	})
	mux.Handle("GET /volumes/{name}", noSuch)
	mux.Handle("PUT /volumes/{name}", noSuch)
	mux.Handle("DELETE /volumes/{name}", noSuch)
	mux.Handle("POST /volumes/prune", httpx.API(func(w http.ResponseWriter, r *http.Request) error {
		return httpx.WriteJSON(w, http.StatusOK, volume.PruneReport{VolumesDeleted: []string{}})
	}))
	mux.Handle("POST /volumes/create", httpx.API(func(w http.ResponseWriter, r *http.Request) error {
		return errdefs.ErrNotImplemented.WithMessage("volumes are not supported by this " + backend + " backend handler")
	}))
}
