package networks

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/filters"
)

// defaultPools are dockerd's default address pools after the default
// bridge's 172.17.0.0/16: 172.18-31.0.0/16, then 192.168.0.0/16 in /20s.
func defaultPools() []netip.Prefix {
	var out []netip.Prefix
	for b := 18; b <= 31; b++ {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(b), 0, 0}), 16))
	}
	for c := 0; c < 256; c += 16 {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(c), 0}), 20))
	}
	return out
}

func isPredefined(name string) bool { return name == "bridge" || name == "host" || name == "none" }

// Create creates a user-defined network, as POST /networks/create.
func (m *Manager) Create(ctx context.Context, req network.CreateRequest) (network.CreateResponse, error) {
	if req.Name == "" {
		return network.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("invalid network name: network name must not be empty")
	}
	if req.Driver == "" {
		req.Driver = "bridge"
	}
	switch req.Driver {
	case "bridge":
	case "host", "null":
		return network.CreateResponse{}, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("only one instance of %q network is allowed", req.Driver))
	default:
		return network.CreateResponse{}, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("plugin %q not found", req.Driver))
	}
	if req.Scope != "" && req.Scope != "local" {
		return network.CreateResponse{}, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s-scoped networks are not supported by the %s backend: it is not a swarm manager", req.Scope, m.backend))
	}
	if req.ConfigOnly || req.ConfigFrom != nil || req.Ingress {
		return network.CreateResponse{}, errdefs.ErrNotImplemented.WithMessage("config-only, config-from and ingress networks are not supported by the " + m.backend + " backend")
	}
	if req.EnableIPv6 != nil && *req.EnableIPv6 {
		return network.CreateResponse{}, errdefs.ErrNotImplemented.WithMessage("IPv6 networks are not supported by the " + m.backend + " backend: its IPAM allocates IPv4 only")
	}
	if req.IPAM != nil && req.IPAM.Driver != "" && req.IPAM.Driver != "default" {
		return network.CreateResponse{}, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("plugin %q not found", req.IPAM.Driver))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if isPredefined(req.Name) {
		return network.CreateResponse{}, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("%s is a pre-defined network and cannot be created", req.Name))
	}
	if m.byName(req.Name) != nil {
		return network.CreateResponse{}, errdefs.ErrConflict.WithMessage(fmt.Sprintf("network with name %s already exists", req.Name))
	}
	pool, user, err := m.pool(req.IPAM)
	if err != nil {
		return network.CreateResponse{}, err
	}
	n := &record{UserSubnet: user, Network: network.Network{Name: req.Name, ID: NewID(), Created: time.Now().UTC(),
		Scope: "local", Driver: req.Driver, EnableIPv4: true, Internal: req.Internal, Attachable: req.Attachable,
		IPAM:    network.IPAM{Driver: "default", Options: map[string]string{}, Config: []network.IPAMConfig{pool}},
		Options: cloneMap(req.Options), Labels: cloneMap(req.Labels), ConfigFrom: network.ConfigReference{}}}
	if req.IPAM != nil && req.IPAM.Options != nil {
		n.IPAM.Options = cloneMap(req.IPAM.Options)
	}
	if err := m.st.Put(kind, n.ID, n); err != nil {
		return network.CreateResponse{}, err
	}
	m.nets[n.ID] = n
	m.events.Publish(ctx, mevents.Message{Type: mevents.NetworkEventType, Action: mevents.ActionCreate,
		Actor: mevents.Actor{ID: n.ID, Attributes: map[string]string{"name": n.Name, "type": n.Driver}}})
	return network.CreateResponse{ID: n.ID}, nil
}

// pool picks the network's IPv4 pool: the client's (checked against the
// subnets in use) or the first free default pool. user reports a client's.
func (m *Manager) pool(ipam *network.IPAM) (network.IPAMConfig, bool, error) {
	overlaps := func(p netip.Prefix) bool {
		for _, n := range m.nets {
			for _, c := range n.IPAM.Config {
				if c.Subnet.IsValid() && c.Subnet.Overlaps(p) {
					return true
				}
			}
		}
		return false
	}
	if ipam != nil && len(ipam.Config) > 0 {
		if len(ipam.Config) > 1 {
			return network.IPAMConfig{}, false, errdefs.ErrNotImplemented.WithMessage("networks with more than one IPAM pool are not supported by the " + m.backend + " backend")
		}
		c := ipam.Config[0]
		if !c.Subnet.IsValid() {
			return network.IPAMConfig{}, false, errdefs.ErrInvalidArgument.WithMessage("invalid pool request: a subnet is required when an IPAM config is given")
		}
		if !c.Subnet.Addr().Is4() {
			return network.IPAMConfig{}, false, errdefs.ErrNotImplemented.WithMessage("IPv6 networks are not supported by the " + m.backend + " backend: its IPAM allocates IPv4 only")
		}
		if c.Subnet.Masked() != c.Subnet {
			c.Subnet = c.Subnet.Masked()
		}
		if c.Subnet.Bits() > 30 {
			// A gateway, the network and broadcast addresses leave no
			// room for a container.
			return network.IPAMConfig{}, false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid pool request: subnet %s has no address for a container", c.Subnet))
		}
		if overlaps(c.Subnet) {
			return network.IPAMConfig{}, false, errdefs.ErrPermissionDenied.WithMessage("invalid pool request: Pool overlaps with other one on this address space")
		}
		if c.IPRange.IsValid() && (!c.Subnet.Contains(c.IPRange.Addr()) || c.IPRange.Bits() < c.Subnet.Bits()) {
			return network.IPAMConfig{}, false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid ip-range %s: it must be a subnet of %s", c.IPRange, c.Subnet))
		}
		if !c.Gateway.IsValid() {
			c.Gateway = c.Subnet.Addr().Next()
		} else if !c.Subnet.Contains(c.Gateway) {
			return network.IPAMConfig{}, false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid gateway %s: it is not in subnet %s", c.Gateway, c.Subnet))
		}
		c.AuxAddress = maps.Clone(c.AuxAddress)
		return c, true, nil
	}
	for _, p := range defaultPools() {
		if !overlaps(p) {
			return network.IPAMConfig{Subnet: p, Gateway: p.Addr().Next()}, false, nil
		}
	}
	return network.IPAMConfig{}, false, errdefs.ErrUnavailable.WithMessage("all predefined address pools have been fully subnetted")
}

// Remove deletes network ref. active reports whether a container counts
// as an active endpoint (dockerd counts running ones); a network with
// active endpoints is a 403 with dockerd's text. The IDs of the stopped
// containers still attached are returned: the caller disconnects them.
func (m *Manager) Remove(ctx context.Context, ref string, active func(id string) bool) ([]string, error) {
	active = m.activeSet(active)
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.resolve(ref)
	if err != nil {
		return nil, err
	}
	if isPredefined(n.Name) {
		return nil, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("%s is a pre-defined network and cannot be removed", n.Name))
	}
	return m.removeLocked(ctx, n, active)
}

func (m *Manager) removeLocked(ctx context.Context, n *record, active func(id string) bool) ([]string, error) {
	var busy, stopped []string
	for _, id := range slices.Sorted(maps.Keys(m.attached[n.ID])) {
		a := m.attached[n.ID][id]
		if active(id) {
			busy = append(busy, fmt.Sprintf("(name:%q id:%q)", a.Name, id[:min(12, len(id))]))
		} else {
			stopped = append(stopped, id)
		}
	}
	if len(busy) > 0 {
		return nil, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("error while removing network: network %s has active endpoints %s", n.Name, joinSpace(busy)))
	}
	if m.remove != nil {
		if err := m.remove(ctx, n.ID, n.Name); err != nil {
			return nil, fmt.Errorf("error while removing network %s: %w", n.Name, err)
		}
	}
	if err := m.st.Delete(kind, n.ID); err != nil {
		return nil, err
	}
	delete(m.nets, n.ID)
	delete(m.attached, n.ID)
	delete(m.used, n.ID)
	m.events.Publish(ctx, mevents.Message{Type: mevents.NetworkEventType, Action: mevents.ActionDestroy,
		Actor: mevents.Actor{ID: n.ID, Attributes: map[string]string{"name": n.Name, "type": n.Driver}}})
	return stopped, nil
}

// Detached is a stopped container that was attached to a removed network.
type Detached struct{ NetworkID, ContainerID string }

// Prune removes the user-defined networks without active endpoints that
// pass the filters (until, label, label!), as POST /networks/prune, and
// returns their names and the stopped containers that were attached.
func (m *Manager) Prune(ctx context.Context, f filters.Args, active func(id string) bool) ([]string, []Detached, error) {
	if err := f.Validate("until", "label", "label!"); err != nil {
		return nil, nil, err
	}
	var until time.Time
	if vs := f.Get("until"); len(vs) > 0 {
		t, err := parseUntil(vs[0])
		if err != nil {
			return nil, nil, err
		}
		until = t
	}
	active = m.activeSet(active)
	m.mu.Lock()
	defer m.mu.Unlock()
	deleted, detached := []string{}, []Detached(nil)
	for _, id := range slices.Sorted(maps.Keys(m.nets)) {
		n := m.nets[id]
		if isPredefined(n.Name) || !until.IsZero() && !n.Created.Before(until) {
			continue
		}
		if !f.MatchLabels("label", n.Labels) || !notLabels(f, n.Labels) {
			continue
		}
		busy := false
		for cid := range m.attached[n.ID] {
			busy = busy || active(cid)
		}
		if busy {
			continue
		}
		stopped, err := m.removeLocked(ctx, n, active)
		if err != nil {
			return deleted, detached, err
		}
		deleted = append(deleted, n.Name)
		for _, id := range stopped {
			detached = append(detached, Detached{NetworkID: n.ID, ContainerID: id})
		}
	}
	m.events.Publish(ctx, mevents.Message{Type: mevents.NetworkEventType, Action: mevents.ActionPrune,
		Actor: mevents.Actor{Attributes: map[string]string{}}})
	return deleted, detached, nil
}

// activeSet asks active about every attached container before m.mu is
// taken and returns the answers: active takes container locks, and the
// engine holds a container's lock while it calls into the manager, so
// asking under m.mu could deadlock.
func (m *Manager) activeSet(active func(id string) bool) func(id string) bool {
	m.mu.Lock()
	var ids []string
	for _, byID := range m.attached {
		for id := range byID {
			ids = append(ids, id)
		}
	}
	m.mu.Unlock()
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		if active(id) {
			set[id] = true
		}
	}
	return func(id string) bool { return set[id] }
}
