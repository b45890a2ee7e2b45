package networks

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
)

// Attach connects container id (named name) to the network of a
// HostConfig.NetworkMode ("", "default" and "bridge" are the bridge) and
// returns its endpoints keyed by network name. On the bridge it allocates
// the lowest free address of 172.17.0.0/16. The addresses are bookkeeping:
// whether packets flow is up to the driver's [driver.Network].
func (m *Manager) Attach(ctx context.Context, id, name, mode string, aliases []string) (map[string]*network.EndpointSettings, error) {
	if mode == "" || mode == "default" {
		mode = "bridge"
	}
	if len(mode) > 10 && mode[:10] == "container:" {
		return map[string]*network.EndpointSettings{}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.resolve(mode)
	if err != nil {
		return nil, err
	}
	ep := &network.EndpointSettings{NetworkID: n.ID, EndpointID: NewID(), Aliases: aliases}
	if n.Name == "bridge" {
		ip, err := m.allocate(id)
		if err != nil {
			return nil, err
		}
		ep.IPAddress, ep.Gateway, ep.IPPrefixLen = ip, bridgeGateway, bridgeSubnet.Bits()
		ep.MacAddress = macFor(ip)
	}
	m.record(n.ID, id, name, ep)
	return map[string]*network.EndpointSettings{n.Name: ep}, nil
}

func (m *Manager) allocate(id string) (netip.Addr, error) {
	for ip := bridgeGateway.Next(); bridgeSubnet.Contains(ip); ip = ip.Next() {
		if _, taken := m.used[ip]; !taken && ip != lastAddr(bridgeSubnet) {
			m.used[ip] = id
			return ip, nil
		}
	}
	return netip.Addr{}, errdefs.ErrUnavailable.WithMessage("no available IPv4 addresses on this network's address pools: bridge")
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
	a := Attachment{Name: name, EndpointID: ep.EndpointID, MacAddress: ep.MacAddress.String()}
	if ep.IPAddress.IsValid() {
		a.IPv4 = netip.PrefixFrom(ep.IPAddress, ep.IPPrefixLen)
	}
	m.attached[netID][id] = a
}

// Restore re-registers the endpoints of a container loaded from disk, so
// its addresses are not handed out twice.
func (m *Manager) Restore(id, name string, eps map[string]*network.EndpointSettings) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ep := range eps {
		if ep == nil {
			continue
		}
		if ep.IPAddress.IsValid() && bridgeSubnet.Contains(ep.IPAddress) {
			m.used[ep.IPAddress] = id
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

// Release frees the addresses and endpoints of container id.
func (m *Manager) Release(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for ip, owner := range m.used {
		if owner == id {
			delete(m.used, ip)
		}
	}
	for _, byID := range m.attached {
		delete(byID, id)
	}
}

// Validate checks a NetworkMode before a container is created.
func (m *Manager) Validate(mode string) error {
	switch {
	case mode == "" || mode == "default" || mode == "bridge" || mode == "host" || mode == "none":
		return nil
	case len(mode) > 10 && mode[:10] == "container:":
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.resolve(mode); err != nil {
		return fmt.Errorf("%w", err)
	}
	return nil
}
