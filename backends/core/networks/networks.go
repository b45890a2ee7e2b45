// Package networks keeps the backend's networks: Docker's predefined
// "bridge", "host" and "none" networks, user-defined bridge networks, and
// the IP address bookkeeping (IPAM) of the containers attached to them:
// subnets from dockerd's default address pools, gateways, static
// addresses and aliases. It serves the /networks endpoints of the Docker
// Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Network).
//
// # Notes
//
// The addresses are bookkeeping: whether packets flow between containers
// is up to the driver's [driver.Network]. The memory backend has no
// network stack, so its containers find each other only by name, through
// the /etc/hosts the engine keeps current from [Manager.Peers] (standing
// in for dockerd's embedded DNS server: running containers only); no
// packet ever travels, so --internal, ports and options are recorded, not
// enforced.
//
// Where this differs from dockerd:
//   - An address is allocated when the container is created and kept
//     until it is removed or disconnected; dockerd allocates at start and
//     releases at stop. Inspect hides a stopped container's address, as
//     dockerd shows none.
//   - Removing a network forgets the endpoints of the stopped containers
//     attached to it; dockerd keeps them and fails their next start.
//   - IPv6, more than one IPAM pool per network, and drivers other than
//     bridge answer 501 or dockerd's "plugin not found".
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
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/events"
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

	events events.Publisher
	// remove, when set, is called before a network is forgotten (the
	// driver's [driver.NetworkRemover]).
	remove func(ctx context.Context, id, name string) error
	// isLive reports whether a container's endpoints are up (it runs).
	isLive func(id string) bool

	mu   sync.Mutex
	nets map[string]*record // by ID
	// used maps network ID → allocated address → container ID.
	used map[string]map[netip.Addr]string
	// attached maps network ID → container ID → endpoint.
	attached map[string]map[string]Attachment
}

// record is a network as the store keeps it.
type record struct {
	network.Network
	// UserSubnet is set when the client chose the subnet: only then may
	// containers ask for a static address, as dockerd.
	UserSubnet bool `json:",omitempty"`
}

// Attachment is one container's endpoint on a network, for network inspect.
type Attachment struct {
	Name       string // container name without the slash
	EndpointID string
	MacAddress string
	IPv4       netip.Prefix
	// Aliases are the endpoint's extra DNS names.
	Aliases []string
}

// Open loads the networks from st, creating the predefined ones on first use.
func Open(ctx context.Context, st *store.Store, backend string) (*Manager, error) {
	m := &Manager{st: st, backend: backend, events: nopPublisher{}, nets: map[string]*record{},
		used: map[string]map[netip.Addr]string{}, attached: map[string]map[string]Attachment{}}
	err := st.List(kind, func(id string, data []byte) error {
		var n record
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
		m.nets[def.ID] = &record{Network: def}
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

// SetEvents makes the manager publish network events (create, connect,
// disconnect, destroy, prune) to p.
func (m *Manager) SetEvents(p events.Publisher) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = p
}

// SetRemover sets the driver's hook called before a network is forgotten
// ([driver.NetworkRemover]); its error keeps the network.
func (m *Manager) SetRemover(remove func(ctx context.Context, id, name string) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove = remove
}

// SetLive tells the manager which containers run, so that it announces
// endpoints as dockerd does: connecting a stopped container is silent,
// its endpoints are announced by [Manager.Announce] when it starts. Without
// it every connect is announced.
func (m *Manager) SetLive(f func(id string) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.isLive = f
}

// live is isLive, true when unset; m.mu is held. f must not call back
// into the manager.
func (m *Manager) live(id string) bool { return m.isLive == nil || m.isLive(id) }

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, mevents.Message) {}

func (m *Manager) byName(name string) *record {
	for _, n := range m.nets {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// resolve finds a network by full ID, name or unique ID prefix, as dockerd.
func (m *Manager) resolve(ref string) (*record, error) {
	if n, ok := m.nets[ref]; ok {
		return n, nil
	}
	if n := m.byName(ref); n != nil {
		return n, nil
	}
	var found []*record
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
