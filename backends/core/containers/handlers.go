package containers

import (
	"net/http"

	"github.com/moby/moby/api/types/common"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// list answers GET /containers/json (ContainerList).
func (h handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	limit, err := intValue(r, "limit")
	if err != nil {
		return err
	}
	opts := engine.ListOptions{All: boolValue(r, "all"), Size: boolValue(r, "size"), Filters: f}
	if limit != nil {
		opts.Limit = *limit
	}
	out, err := h.b.ListJSON(r.Context(), opts)
	if err != nil {
		return err
	}
	if out, err = adaptList(r.Context(), out); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	return nil
}

// create answers POST /containers/create (ContainerCreate).
func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	var body createBody
	if err := httpx.DecodeJSON(r, &body, false); err != nil {
		return err
	}
	req := body.request()
	resp, err := h.b.Create(r.Context(), engine.CreateOptions{Name: r.URL.Query().Get("name"),
		Config: req.Config, HostConfig: req.HostConfig, Networking: req.NetworkingConfig})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, resp)
}

// inspect answers GET /containers/{id}/json (ContainerInspect).
func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	c, err := h.b.Inspect(r.Context(), r.PathValue("id"), boolValue(r, "size"))
	if err != nil {
		return err
	}
	body, err := adaptInspect(r.Context(), withLegacyNetwork(c))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, body)
}

func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// start answers POST /containers/{id}/start (ContainerStart).
func (h handlers) start(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Start(r.Context(), r.PathValue("id")))
}

// stop answers POST /containers/{id}/stop (ContainerStop).
func (h handlers) stop(w http.ResponseWriter, r *http.Request) error {
	t, err := intValue(r, "t")
	if err != nil {
		return err
	}
	return noContent(w, h.b.Stop(r.Context(), r.PathValue("id"), r.URL.Query().Get("signal"), t))
}

// restart answers POST /containers/{id}/restart (ContainerRestart).
func (h handlers) restart(w http.ResponseWriter, r *http.Request) error {
	t, err := intValue(r, "t")
	if err != nil {
		return err
	}
	return noContent(w, h.b.Restart(r.Context(), r.PathValue("id"), r.URL.Query().Get("signal"), t))
}

// kill answers POST /containers/{id}/kill (ContainerKill).
func (h handlers) kill(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Kill(r.Context(), r.PathValue("id"), r.URL.Query().Get("signal")))
}

// pause answers POST /containers/{id}/pause (ContainerPause).
func (h handlers) pause(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Pause(r.Context(), r.PathValue("id")))
}

// unpause answers POST /containers/{id}/unpause (ContainerUnpause).
func (h handlers) unpause(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Unpause(r.Context(), r.PathValue("id")))
}

// rename answers POST /containers/{id}/rename (ContainerRename).
func (h handlers) rename(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Rename(r.Context(), r.PathValue("id"), r.URL.Query().Get("name")))
}

// update answers POST /containers/{id}/update (ContainerUpdate).
func (h handlers) update(w http.ResponseWriter, r *http.Request) error {
	var u container.UpdateConfig
	if err := httpx.DecodeJSON(r, &u, true); err != nil {
		return err
	}
	resp, err := h.b.Update(r.Context(), r.PathValue("id"), u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, resp)
}

// remove answers DELETE /containers/{id} (ContainerDelete).
func (h handlers) remove(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, h.b.Remove(r.Context(), r.PathValue("id"), engine.RemoveOptions{
		Force: boolValue(r, "force"), RemoveVolumes: boolValue(r, "v"), RemoveLink: boolValue(r, "link")}))
}

// prune answers POST /containers/prune (ContainerPrune).
func (h handlers) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	rep, err := h.b.Prune(r.Context(), f)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rep)
}

// wait answers POST /containers/{id}/wait (ContainerWait). As dockerd,
// the headers go out at once so the client knows the wait has begun; a
// failure after that is reported in the body's Error.
func (h handlers) wait(w http.ResponseWriter, r *http.Request) error {
	waiter, err := h.b.Wait(r.Context(), r.PathValue("id"), container.WaitCondition(r.URL.Query().Get("condition")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = http.NewResponseController(w).Flush()
	resp, err := waiter(r.Context())
	if err != nil {
		resp = container.WaitResponse{StatusCode: -1, Error: &container.WaitExitError{Message: err.Error()}}
	}
	return writeBody(w, resp)
}

// commit answers POST /commit (ImageCommit): an image of a container's
// changes. As dockerd for API 1.13 and later, pause defaults to true.
func (h handlers) commit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var cfg container.Config
	var body *container.Config
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &cfg, true); err != nil {
			return err
		}
		body = &cfg
	}
	id, err := h.b.Commit(r.Context(), q.Get("container"), engine.CommitOptions{Repo: q.Get("repo"), Tag: q.Get("tag"),
		Comment: q.Get("comment"), Author: q.Get("author"), Changes: q["changes"],
		Pause: boolValueOrDefault(r, "pause", true), Config: body})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, common.IDResponse{ID: id})
}
