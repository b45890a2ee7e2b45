package networks

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// Register adds the /networks endpoints of the Docker Engine API to mux.
func Register(mux *http.ServeMux, m *Manager) {
	h := handlers{m: m}
	mux.Handle("GET /networks", httpx.API(h.list))
	mux.Handle("GET /networks/{id}", httpx.API(h.inspect))
	for _, p := range []string{"POST /networks/create", "POST /networks/{id}/connect", "POST /networks/{id}/disconnect", "DELETE /networks/{id}", "POST /networks/prune"} {
		mux.Handle(p, httpx.API(h.unsupported))
	}
}

type handlers struct{ m *Manager }

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
		typ := "builtin"
		if !slices.Contains([]string{"bridge", "host", "none"}, n.Name) {
			typ = "custom"
		}
		if !f.Match("driver", n.Driver) || !f.MatchPrefix("id", n.ID) || !f.MatchPattern("name", n.Name) ||
			!f.Match("scope", n.Scope) || !f.Match("type", typ) || !f.MatchLabels("label", n.Labels) {
			continue
		}
		out = append(out, network.Summary{Network: *n})
	}
	h.m.mu.Unlock()
	slices.SortFunc(out, func(a, b network.Summary) int { return strings.Compare(a.Name, b.Name) })
	if out == nil {
		out = []network.Summary{}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// inspect answers GET /networks/{id} (NetworkInspect).
func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	h.m.mu.Lock()
	n, err := h.m.resolve(r.PathValue("id"))
	if err != nil {
		h.m.mu.Unlock()
		return err
	}
	out := network.Inspect{Network: *n, Containers: map[string]network.EndpointResource{}}
	for id, a := range h.m.attached[n.ID] {
		out.Containers[id] = network.EndpointResource{Name: a.Name, EndpointID: a.EndpointID,
			MacAddress: mustMAC(a.MacAddress), IPv4Address: a.IPv4}
	}
	out.Options = maps.Clone(n.Options)
	h.m.mu.Unlock()
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h handlers) unsupported(w http.ResponseWriter, r *http.Request) error {
	return errdefs.ErrNotImplemented.WithMessage("user-defined networks are not supported by the " + h.m.backend + " backend yet")
}

func mustMAC(s string) network.HardwareAddr {
	var hw network.HardwareAddr
	_ = hw.UnmarshalText([]byte(s))
	return hw
}
