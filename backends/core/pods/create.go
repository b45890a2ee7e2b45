package pods

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/engine"
)

// Spec is the part of podman's PodSpecGenerator (the body of POST
// /libpod/pods/create) Sockerless acts on. Other fields are accepted and
// ignored, as they describe Linux namespaces and cgroups the backends do
// not have.
type Spec struct {
	Name             string            `json:"name"`
	Hostname         string            `json:"hostname"`
	Labels           map[string]string `json:"labels"`
	NoInfra          bool              `json:"no_infra"`
	InfraImage       string            `json:"infra_image"`
	InfraCommand     []string          `json:"infra_command"`
	InfraName        string            `json:"infra_name"`
	ExitPolicy       string            `json:"exit_policy"`
	CreateCommand    []string          `json:"pod_create_command"`
	SharedNamespaces []string          `json:"shared_namespaces"`
	NetNS            struct {
		Mode string `json:"nsmode"`
	} `json:"netns"`
	// Networks are the infra container's networks, by name.
	Networks     map[string]PerNetwork `json:"Networks"`
	PortMappings []PortMapping         `json:"portmappings"`
}

// PerNetwork is podman's per-network options of the infra container.
type PerNetwork struct {
	Aliases   []string     `json:"aliases"`
	StaticIPs []netip.Addr `json:"static_ips"`
}

// PortMapping is one of podman's published ports.
type PortMapping struct {
	HostIP        string `json:"host_ip"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

// Create makes pod s and, unless s.NoInfra, its infra container.
func (m *Manager) Create(ctx context.Context, s Spec) (string, error) {
	if s.Name != "" && !validName.MatchString(s.Name) {
		return "", errdefs.ErrInvalidArgument.WithMessage(
			"failed to make pod: running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument")
	}
	if !s.NoInfra && s.InfraImage == "" {
		return "", errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
			"pods with an infra container need an infra image on the %s backend, which has no pause image: pass --infra-image IMAGE or --infra=false", m.backend))
	}
	if s.ExitPolicy == "" {
		s.ExitPolicy = "continue"
	}
	p := &Pod{ID: newID(), Name: s.Name, Created: time.Now().UTC(), Labels: s.Labels, Hostname: s.Hostname,
		ExitPolicy: s.ExitPolicy, CreateCommand: s.CreateCommand}
	if !s.NoInfra {
		p.SharedNamespaces = sharedNamespaces(s.SharedNamespaces)
	}
	m.mu.Lock()
	if p.Name == "" {
		p.Name = m.freeNameLocked()
	}
	for _, o := range m.pods {
		if o.Name == p.Name {
			m.mu.Unlock()
			return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf(
				"failed to make pod: adding pod to state: name %q is in use: pod already exists", p.Name))
		}
	}
	m.pods[p.ID] = p // reserve the name; the record is written below
	m.mu.Unlock()
	if !s.NoInfra {
		id, err := m.createInfra(ctx, p, s)
		if err != nil {
			m.forget(p.ID)
			return "", err
		}
		p.InfraID = id
	}
	m.mu.Lock()
	err := m.put(p)
	m.mu.Unlock()
	if err != nil {
		if p.InfraID != "" {
			_ = m.c.Remove(ctx, p.InfraID, engine.RemoveOptions{Force: true})
		}
		m.forget(p.ID)
		return "", err
	}
	return p.ID, nil
}

func (m *Manager) forget(id string) {
	m.mu.Lock()
	delete(m.pods, id)
	m.mu.Unlock()
}

// freeNameLocked names an unnamed pod as podman does (adjective_surname).
func (m *Manager) freeNameLocked() string {
	type namer interface{ RandomName() string }
	for {
		name := newID()[:12]
		if n, ok := m.c.(namer); ok {
			name = n.RandomName()
		}
		taken := false
		for _, o := range m.pods {
			taken = taken || o.Name == name
		}
		if !taken {
			return name
		}
	}
}

// sharedNamespaces are podman's defaults when the client names none.
func sharedNamespaces(ns []string) []string {
	if len(ns) == 0 {
		return []string{"net", "uts", "ipc"}
	}
	return slices.Clone(ns)
}

// createInfra creates the infra container the pod's members join, named
// "<pod ID prefix>-infra" as podman names it.
func (m *Manager) createInfra(ctx context.Context, p *Pod, s Spec) (string, error) {
	name := s.InfraName
	if name == "" {
		name = p.ID[:12] + "-infra"
	}
	cfg := &container.Config{Image: s.InfraImage, Hostname: s.Hostname, Cmd: s.InfraCommand,
		ExposedPorts: network.PortSet{}}
	hc := &container.HostConfig{PortBindings: network.PortMap{}}
	switch s.NetNS.Mode {
	case "host", "none":
		hc.NetworkMode = container.NetworkMode(s.NetNS.Mode)
	}
	for _, pm := range s.PortMappings {
		if err := addPort(cfg, hc, pm); err != nil {
			return "", err
		}
	}
	var nc *network.NetworkingConfig
	if len(s.Networks) > 0 {
		names := make([]string, 0, len(s.Networks))
		for n := range s.Networks {
			names = append(names, n)
		}
		slices.Sort(names)
		hc.NetworkMode = container.NetworkMode(names[0])
		nc = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{}}
		for _, n := range names {
			o := s.Networks[n]
			ep := &network.EndpointSettings{Aliases: o.Aliases}
			if len(o.StaticIPs) > 0 {
				ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: o.StaticIPs[0]}
			}
			nc.EndpointsConfig[n] = ep
		}
	}
	res, err := m.c.Create(ctx, engine.CreateOptions{Name: name, Config: cfg, HostConfig: hc, Networking: nc})
	if err != nil {
		return "", fmt.Errorf("failed to make pod: infra container: %w", err)
	}
	return res.ID, nil
}

// addPort publishes pm (and its range) on the infra container.
func addPort(cfg *container.Config, hc *container.HostConfig, pm PortMapping) error {
	proto := pm.Protocol
	if proto == "" {
		proto = "tcp"
	}
	n := max(pm.Range, 1)
	for i := range n {
		port, err := network.ParsePort(strconv.Itoa(int(pm.ContainerPort+i)) + "/" + strings.ToLower(proto))
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid port mapping: " + err.Error())
		}
		cfg.ExposedPorts[port] = struct{}{}
		b := network.PortBinding{}
		if pm.HostPort != 0 {
			b.HostPort = strconv.Itoa(int(pm.HostPort + i))
		}
		if pm.HostIP != "" {
			ip, err := netip.ParseAddr(pm.HostIP)
			if err != nil {
				return errdefs.ErrInvalidArgument.WithMessage("invalid host ip: " + pm.HostIP)
			}
			b.HostIP = ip
		}
		hc.PortBindings[port] = append(hc.PortBindings[port], b)
	}
	return nil
}
