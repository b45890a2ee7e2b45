package volumes

import (
	"net/http"
	"strconv"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// Register adds the /volumes endpoints of the Docker Engine API to mux.
func Register(mux *http.ServeMux, m *Manager) {
	h := handlers{m: m}
	mux.Handle("GET /volumes", httpx.API(h.list))
	mux.Handle("POST /volumes/create", httpx.API(h.create))
	mux.Handle("POST /volumes/prune", httpx.API(h.prune))
	mux.Handle("GET /volumes/{name}", httpx.API(h.inspect))
	mux.Handle("PUT /volumes/{name}", httpx.API(h.update))
	mux.Handle("DELETE /volumes/{name}", httpx.API(h.remove))
}

type handlers struct{ m *Manager }

// list answers GET /volumes (VolumeList).
func (h handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	vols, err := h.m.List(r.Context(), f)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, volume.ListResponse{Volumes: vols, Warnings: []string{}})
}

// create answers POST /volumes/create (VolumeCreate).
func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	var req volume.CreateRequest
	if err := httpx.DecodeJSON(r, &req, true); err != nil {
		return err
	}
	if req.ClusterVolumeSpec != nil {
		return errdefs.ErrNotImplemented.WithMessage("cluster volumes are not supported by the " + h.m.backend + " backend: it is not a swarm manager")
	}
	v, err := h.m.Create(r.Context(), req)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, v)
}

// inspect answers GET /volumes/{name} (VolumeInspect).
func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	v, err := h.m.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// update answers PUT /volumes/{name} (VolumeUpdate), which only cluster
// volumes support.
func (h handlers) update(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.m.Get(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	return errdefs.ErrInvalidArgument.WithMessage("volume update only works with cluster volumes")
}

// remove answers DELETE /volumes/{name} (VolumeDelete).
func (h handlers) remove(w http.ResponseWriter, r *http.Request) error {
	force, _ := strconv.ParseBool(r.URL.Query().Get("force"))
	if err := h.m.Remove(r.Context(), r.PathValue("name"), force); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// prune answers POST /volumes/prune (VolumePrune). Before API 1.42 it
// removed every unused volume; since, only anonymous ones unless the
// "all" filter is set.
func (h handlers) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	all := httpx.CompareVersions(httpx.APIVersion(r.Context()), "1.42") < 0
	rep, err := h.m.Prune(r.Context(), PruneOptions{Filters: f, All: all})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rep)
}
