package networks

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// Containers is what the network handlers need of the container engine:
// connecting a container updates its record (and its peers' name
// resolution), so the engine does it through the [Manager].
type Containers interface {
	ConnectNetwork(ctx context.Context, network, container string, cfg *network.EndpointSettings) error
	DisconnectNetwork(ctx context.Context, network, container string, force bool) error
	// ForgetNetwork drops the endpoint of a stopped container on a
	// network that was removed.
	ForgetNetwork(ctx context.Context, networkID, container string)
	IsRunning(id string) bool
}

// Register adds the /networks endpoints of the Docker Engine API to mux.
func Register(mux *http.ServeMux, m *Manager, c Containers) {
	h := handlers{m: m, c: c}
	mux.Handle("GET /networks", httpx.API(h.list))
	mux.Handle("GET /networks/{id}", httpx.API(h.inspect))
	mux.Handle("POST /networks/create", httpx.API(h.create))
	mux.Handle("POST /networks/{id}/connect", httpx.API(h.connect))
	mux.Handle("POST /networks/{id}/disconnect", httpx.API(h.disconnect))
	mux.Handle("DELETE /networks/{id}", httpx.API(h.remove))
	mux.Handle("POST /networks/prune", httpx.API(h.prune))
}

type handlers struct {
	m *Manager
	c Containers
}

// list answers GET /networks (NetworkList).
func (h handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate("dangling", "driver", "id", "label", "name", "scope", "type"); err != nil {
		return err
	}
	h.m.mu.Lock()
	var out []network.Summary
	for _, n := range h.m.nets {
		typ := "custom"
		if isPredefined(n.Name) {
			typ = "builtin"
		}
		dangling := typ == "custom" && len(h.m.attached[n.ID]) == 0
		if f.Has("dangling") && !f.MatchAny("dangling", boolStrings(dangling)...) {
			continue
		}
		if !f.Match("driver", n.Driver) || !f.MatchPrefix("id", n.ID) || !f.MatchPattern("name", n.Name) ||
			!f.Match("scope", n.Scope) || !f.Match("type", typ) || !f.MatchLabels("label", n.Labels) {
			continue
		}
		out = append(out, network.Summary{Network: copyNetwork(n)})
	}
	h.m.mu.Unlock()
	slices.SortFunc(out, func(a, b network.Summary) int { return strings.Compare(a.Name, b.Name) })
	if out == nil {
		out = []network.Summary{}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func boolStrings(b bool) []string {
	if b {
		return []string{"true", "1"}
	}
	return []string{"false", "0"}
}

// inspect answers GET /networks/{id} (NetworkInspect). As dockerd, only
// running containers have endpoints to list.
func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	h.m.mu.Lock()
	n, err := h.m.resolve(r.PathValue("id"))
	if err != nil {
		h.m.mu.Unlock()
		return err
	}
	out := network.Inspect{Network: copyNetwork(n), Containers: map[string]network.EndpointResource{}}
	attached := maps.Clone(h.m.attached[n.ID])
	h.m.mu.Unlock()
	for id, a := range attached {
		if h.c != nil && !h.c.IsRunning(id) {
			continue
		}
		out.Containers[id] = network.EndpointResource{Name: a.Name, EndpointID: a.EndpointID,
			MacAddress: mustMAC(a.MacAddress), IPv4Address: a.IPv4}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// create answers POST /networks/create (NetworkCreate).
func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	var req network.CreateRequest
	if err := httpx.DecodeJSON(r, &req, false); err != nil {
		return err
	}
	resp, err := h.m.Create(r.Context(), req)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, resp)
}

// connect answers POST /networks/{id}/connect (NetworkConnect).
func (h handlers) connect(w http.ResponseWriter, r *http.Request) error {
	var req network.ConnectRequest
	if err := httpx.DecodeJSON(r, &req, false); err != nil {
		return err
	}
	if err := h.c.ConnectNetwork(r.Context(), r.PathValue("id"), req.Container, req.EndpointConfig); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// disconnect answers POST /networks/{id}/disconnect (NetworkDisconnect).
func (h handlers) disconnect(w http.ResponseWriter, r *http.Request) error {
	var req network.DisconnectRequest
	if err := httpx.DecodeJSON(r, &req, false); err != nil {
		return err
	}
	if err := h.c.DisconnectNetwork(r.Context(), r.PathValue("id"), req.Container, req.Force); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// remove answers DELETE /networks/{id} (NetworkDelete).
func (h handlers) remove(w http.ResponseWriter, r *http.Request) error {
	h.m.mu.Lock()
	n, err := h.m.resolve(r.PathValue("id"))
	h.m.mu.Unlock()
	if err != nil {
		return err
	}
	stopped, err := h.m.Remove(r.Context(), n.ID, h.c.IsRunning)
	if err != nil {
		return err
	}
	for _, id := range stopped {
		h.c.ForgetNetwork(r.Context(), n.ID, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// prune answers POST /networks/prune (NetworkPrune).
func (h handlers) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	deleted, detached, err := h.m.Prune(r.Context(), f, h.c.IsRunning)
	if err != nil {
		return err
	}
	for _, d := range detached {
		h.c.ForgetNetwork(r.Context(), d.NetworkID, d.ContainerID)
	}
	return httpx.WriteJSON(w, http.StatusOK, network.PruneReport{NetworksDeleted: deleted})
}

func copyNetwork(n *record) network.Network {
	out := n.Network
	out.Options, out.Labels = maps.Clone(n.Options), maps.Clone(n.Labels)
	if out.Options == nil {
		out.Options = map[string]string{}
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	out.IPAM.Config = slices.Clone(n.IPAM.Config)
	return out
}

func mustMAC(s string) network.HardwareAddr {
	var hw network.HardwareAddr
	_ = hw.UnmarshalText([]byte(s))
	return hw
}
