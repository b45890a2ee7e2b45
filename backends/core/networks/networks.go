// Package networks keeps the backend's networks: Docker's predefined
// "bridge", "host" and "none" networks, and the IP address bookkeeping
// (IPAM) of the containers attached to the bridge. It serves GET /networks
// and GET /networks/{id} of the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Network).
//
// # Notes
//
// User-defined networks are TODO(#3); until then their routes answer 501
// naming the backend.
package networks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/store"
)

// kind is the store kind of network records.
const kind = "networks"

// Docker's default bridge: 172.17.0.0/16, gateway 172.17.0.1.
var (
	bridgeSubnet  = netip.MustParsePrefix("172.17.0.0/16")
	bridgeGateway = netip.MustParseAddr("172.17.0.1")
)

// Manager holds the networks and who is attached to them.
type Manager struct {
	st      *store.Store
	backend string

	mu   sync.Mutex
	nets map[string]*network.Network // by ID
	// used maps an allocated bridge address to its container ID.
	used map[netip.Addr]string
	// attached maps network ID → container ID → endpoint.
	attached map[string]map[string]Attachment
}

// Attachment is one container's endpoint on a network, for network inspect.
type Attachment struct {
	Name       string // container name without the slash
	EndpointID string
	MacAddress string
	IPv4       netip.Prefix
}

// Open loads the networks from st, creating the predefined ones on first use.
func Open(ctx context.Context, st *store.Store, backend string) (*Manager, error) {
	m := &Manager{st: st, backend: backend, nets: map[string]*network.Network{},
		used: map[netip.Addr]string{}, attached: map[string]map[string]Attachment{}}
	err := st.List(kind, func(id string, data []byte) error {
		var n network.Network
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("network record %s: %w", id, err)
		}
		m.nets[n.ID] = &n
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, def := range predefined() {
		if m.byName(def.Name) != nil {
			continue
		}
		def.ID = NewID()
		def.Created = time.Now().UTC()
		if err := st.Put(kind, def.ID, def); err != nil {
			return nil, err
		}
		m.nets[def.ID] = &def
	}
	return m, nil
}

func predefined() []network.Network {
	bridge := network.Network{Name: "bridge", Driver: "bridge", Scope: "local", EnableIPv4: true,
		IPAM: network.IPAM{Driver: "default", Config: []network.IPAMConfig{{Subnet: bridgeSubnet, Gateway: bridgeGateway}}},
		Options: map[string]string{
			"com.docker.network.bridge.default_bridge": "true",
			"com.docker.network.bridge.name":           "docker0",
		}, Labels: map[string]string{}}
	host := network.Network{Name: "host", Driver: "host", Scope: "local", EnableIPv4: true,
		IPAM: network.IPAM{Driver: "default", Config: []network.IPAMConfig{}}, Options: map[string]string{}, Labels: map[string]string{}}
	none := host
	none.Name, none.Driver = "none", "null"
	return []network.Network{bridge, host, none}
}

// NewID returns a random 64-hex identifier, as Docker's.
func NewID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (m *Manager) byName(name string) *network.Network {
	for _, n := range m.nets {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// resolve finds a network by full ID, name or unique ID prefix, as dockerd.
func (m *Manager) resolve(ref string) (*network.Network, error) {
	if n, ok := m.nets[ref]; ok {
		return n, nil
	}
	if n := m.byName(ref); n != nil {
		return n, nil
	}
	var found []*network.Network
	for id, n := range m.nets {
		if ref != "" && len(ref) < len(id) && id[:len(ref)] == ref {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, errdefs.ErrNotFound.WithMessage("network " + ref + " not found")
	}
	return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("network %s is ambiguous (%d matches found on name)", ref, len(found)))
}

// Names lists the networks' names, sorted, for filters.
func (m *Manager) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, n := range m.nets {
		out = append(out, n.Name)
	}
	slices.Sort(out)
	return out
}
