package networks

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
)

// Attach connects container id (named name) to the network of a
// HostConfig.NetworkMode ("", "default" and "bridge" are the bridge) and
// returns its endpoints keyed by network name. It is [Manager.Connect]
// with only aliases configured.
func (m *Manager) Attach(ctx context.Context, id, name, mode string, aliases []string) (map[string]*network.EndpointSettings, error) {
	if isContainerMode(mode) {
		return map[string]*network.EndpointSettings{}, nil
	}
	netName, ep, err := m.Connect(ctx, id, name, mode, &network.EndpointSettings{Aliases: aliases})
	if err != nil {
		return nil, err
	}
	return map[string]*network.EndpointSettings{netName: ep}, nil
}

func isContainerMode(mode string) bool { return strings.HasPrefix(mode, "container:") }

// Connect attaches container id (named name, without the slash) to the
// network ref ("", "default" are the bridge) with the endpoint settings
// cfg (aliases, a static IPv4 address), allocating the lowest free
// address of the network's subnet. It returns the network's name and the
// endpoint as container inspect shows it.
func (m *Manager) Connect(ctx context.Context, id, name, ref string, cfg *network.EndpointSettings) (string, *network.EndpointSettings, error) {
	if ref == "" || ref == "default" {
		ref = "bridge"
	}
	if cfg == nil {
		cfg = &network.EndpointSettings{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.resolve(ref)
	if err != nil {
		return "", nil, err
	}
	if len(cfg.Aliases) > 0 && (n.Driver != "bridge" || n.Name == "bridge") {
		return "", nil, errdefs.ErrInvalidArgument.WithMessage("network-scoped alias is supported only for containers in user defined networks")
	}
	if _, ok := m.attached[n.ID][id]; ok {
		return "", nil, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", name, n.Name))
	}
	ep := &network.EndpointSettings{NetworkID: n.ID, EndpointID: NewID(), IPAMConfig: cfg.IPAMConfig.Copy(),
		Aliases: slices.Clone(cfg.Aliases), DriverOpts: cfg.DriverOpts, Links: slices.Clone(cfg.Links), GwPriority: cfg.GwPriority}
	static := netip.Addr{}
	if cfg.IPAMConfig != nil {
		static = cfg.IPAMConfig.IPv4Address
	}
	if static.IsValid() && !n.UserSubnet {
		return "", nil, errdefs.ErrInvalidArgument.WithMessage("user specified IP address is supported only when connecting to networks with user configured subnets")
	}
	if len(n.IPAM.Config) > 0 && n.Driver == "bridge" {
		pool := n.IPAM.Config[0]
		ip, err := m.allocate(n, pool, id, static)
		if err != nil {
			return "", nil, err
		}
		ep.IPAddress, ep.Gateway, ep.IPPrefixLen = ip, pool.Gateway, pool.Subnet.Bits()
		ep.MacAddress = macFor(ip)
	}
	if n.Driver == "bridge" && n.Name != "bridge" {
		// dockerd 25+ lists the names the embedded DNS answers for.
		ep.DNSNames = append(append([]string{name}, cfg.Aliases...), id[:min(12, len(id))])
	}
	m.record(n.ID, id, name, ep)
	if m.live(id) {
		// dockerd announces an endpoint when it joins a running
		// container; a stopped one's are announced at its start.
		m.publish(ctx, mevents.ActionConnect, n, id)
	}
	return n.Name, ep, nil
}

// Disconnect detaches container id from network ref and returns the
// network's name.
func (m *Manager) Disconnect(ctx context.Context, id, ref string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.resolve(ref)
	if err != nil {
		return "", err
	}
	if _, ok := m.attached[n.ID][id]; !ok {
		return "", errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("container %s is not connected to network %s", id, n.Name))
	}
	m.detach(n.ID, id)
	m.publish(ctx, mevents.ActionDisconnect, n, id) // dockerd: running or not
	return n.Name, nil
}

func (m *Manager) detach(netID, id string) {
	delete(m.attached[netID], id)
	for ip, owner := range m.used[netID] {
		if owner == id {
			delete(m.used[netID], ip)
		}
	}
}

// allocate reserves static (when valid) or the lowest free address of
// pool (within its IPRange when set) for container id.
func (m *Manager) allocate(n *record, pool network.IPAMConfig, id string, static netip.Addr) (netip.Addr, error) {
	used := m.used[n.ID]
	if used == nil {
		used = map[netip.Addr]string{}
		m.used[n.ID] = used
	}
	reserved := func(ip netip.Addr) bool {
		if _, taken := used[ip]; taken || ip == pool.Gateway || ip == pool.Subnet.Masked().Addr() || ip == lastAddr(pool.Subnet) {
			return true
		}
		for _, aux := range pool.AuxAddress {
			if aux == ip {
				return true
			}
		}
		return false
	}
	if static.IsValid() {
		if !pool.Subnet.Contains(static) {
			return netip.Addr{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("no configured subnet or ip-range contain the IP address %s", static))
		}
		if reserved(static) {
			return netip.Addr{}, errdefs.ErrPermissionDenied.WithMessage("Address already in use")
		}
		used[static] = id
		return static, nil
	}
	rng := pool.Subnet
	if pool.IPRange.IsValid() {
		rng = pool.IPRange
	}
	for ip := rng.Masked().Addr(); rng.Contains(ip); ip = ip.Next() {
		if !reserved(ip) {
			used[ip] = id
			return ip, nil
		}
	}
	return netip.Addr{}, errdefs.ErrUnavailable.WithMessage("no available IPv4 addresses on this network's address pools: " + n.Name)
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	bits := p.Bits()
	for i := range 4 {
		for b := range 8 {
			if i*8+b >= bits {
				a[i] |= 0x80 >> b
			}
		}
	}
	return netip.AddrFrom4(a)
}

// macFor derives a MAC address from an IPv4 address, as dockerd did before 25.
func macFor(ip netip.Addr) network.HardwareAddr {
	a := ip.As4()
	return network.HardwareAddr(net.HardwareAddr{0x02, 0x42, a[0], a[1], a[2], a[3]})
}

func (m *Manager) record(netID, id, name string, ep *network.EndpointSettings) {
	if m.attached[netID] == nil {
		m.attached[netID] = map[string]Attachment{}
	}
	a := Attachment{Name: name, EndpointID: ep.EndpointID, MacAddress: ep.MacAddress.String(), Aliases: slices.Clone(ep.Aliases)}
	if ep.IPAddress.IsValid() {
		a.IPv4 = netip.PrefixFrom(ep.IPAddress, ep.IPPrefixLen)
	}
	m.attached[netID][id] = a
}

// Restore re-registers the endpoints of a container loaded from disk, so
// its addresses are not handed out twice. Endpoints of networks that no
// longer exist are skipped.
func (m *Manager) Restore(id, name string, eps map[string]*network.EndpointSettings) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ep := range eps {
		if ep == nil || m.nets[ep.NetworkID] == nil {
			continue
		}
		if ep.IPAddress.IsValid() {
			if m.used[ep.NetworkID] == nil {
				m.used[ep.NetworkID] = map[netip.Addr]string{}
			}
			m.used[ep.NetworkID][ep.IPAddress] = id
		}
		m.record(ep.NetworkID, id, name, ep)
	}
}

// Rename updates the container name shown by network inspect.
func (m *Manager) Rename(id, name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, byID := range m.attached {
		if a, ok := byID[id]; ok {
			a.Name = name
			byID[id] = a
		}
	}
}

// Release frees the addresses and endpoints of container id (removed).
// A stopped container's endpoints were announced as disconnected when it
// stopped, so only a live one's are, as dockerd.
func (m *Manager) Release(ctx context.Context, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	live := m.live(id)
	for netID, byID := range m.attached {
		if _, ok := byID[id]; !ok {
			continue
		}
		m.detach(netID, id)
		if n := m.nets[netID]; n != nil && live {
			m.publish(ctx, mevents.ActionDisconnect, n, id)
		}
	}
}

// Announce publishes a connect (up) or disconnect event for every
// network container id is attached to: dockerd joins a container's
// endpoints when it starts and leaves them when it stops, and says so.
func (m *Manager) Announce(ctx context.Context, id string, up bool) {
	action := mevents.ActionDisconnect
	if up {
		action = mevents.ActionConnect
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for netID, byID := range m.attached {
		if _, ok := byID[id]; ok && m.nets[netID] != nil {
			m.publish(ctx, action, m.nets[netID], id)
		}
	}
}

// publish sends a network event about container id; m.mu is held.
func (m *Manager) publish(ctx context.Context, action mevents.Action, n *record, id string) {
	m.events.Publish(ctx, mevents.Message{Type: mevents.NetworkEventType, Action: action,
		Actor: mevents.Actor{ID: n.ID, Attributes: map[string]string{"container": id, "name": n.Name, "type": n.Driver}}})
}

// Validate checks a NetworkMode before a container is created.
func (m *Manager) Validate(mode string) error {
	switch {
	case mode == "" || mode == "default" || mode == "bridge" || mode == "host" || mode == "none":
		return nil
	case isContainerMode(mode):
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.resolve(mode)
	return err
}

// Peer is a container attached to a network, for name resolution.
type Peer struct {
	ContainerID string
	Attachment
}

// Peers returns the containers attached to the user-defined networks
// container id is on (id included), with the network they share. Only
// user-defined networks resolve names, as in dockerd.
func (m *Manager) Peers(id string) []Peer {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Peer
	for netID, byID := range m.attached {
		n := m.nets[netID]
		if _, on := byID[id]; !on || n == nil || n.Driver != "bridge" || n.Name == "bridge" {
			continue
		}
		for cid, a := range byID {
			out = append(out, Peer{ContainerID: cid, Attachment: a})
		}
	}
	return out
}

// Neighbours returns the IDs of the containers sharing a user-defined
// network with id, whose names it can resolve, id excluded.
func (m *Manager) Neighbours(id string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range m.Peers(id) {
		if p.ContainerID != id && !seen[p.ContainerID] {
			seen[p.ContainerID] = true
			out = append(out, p.ContainerID)
		}
	}
	return out
}
