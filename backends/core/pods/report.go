package pods

import (
	"context"
	"slices"
	"time"
)

// listReport is one entry of GET /libpod/pods/json (entities.ListPodsReport).
type listReport struct {
	Cgroup     string            `json:"Cgroup"`
	Containers []listContainer   `json:"Containers"`
	Created    time.Time         `json:"Created"`
	ID         string            `json:"Id"`
	InfraID    string            `json:"InfraId"`
	Name       string            `json:"Name"`
	Namespace  string            `json:"Namespace"`
	Networks   []string          `json:"Networks"`
	Status     string            `json:"Status"`
	Labels     map[string]string `json:"Labels"`
}

// listContainer is entities.ListPodContainer.
type listContainer struct {
	ID     string `json:"Id"`
	Names  string `json:"Names"`
	Status string `json:"Status"`
}

// inspectData is GET /libpod/pods/{name}/json (define.InspectPodData). The
// cgroup fields are left out: the backends have no cgroups.
type inspectData struct {
	ID               string             `json:"Id"`
	Name             string             `json:"Name"`
	Created          time.Time          `json:"Created"`
	CreateCommand    []string           `json:"CreateCommand,omitempty"`
	ExitPolicy       string             `json:"ExitPolicy,omitempty"`
	State            string             `json:"State"`
	Hostname         string             `json:"Hostname"`
	Labels           map[string]string  `json:"Labels,omitempty"`
	CreateCgroup     bool               `json:"CreateCgroup"`
	CreateInfra      bool               `json:"CreateInfra"`
	InfraContainerID string             `json:"InfraContainerID,omitempty"`
	InfraConfig      *infraConfig       `json:"InfraConfig,omitempty"`
	SharedNamespaces []string           `json:"SharedNamespaces,omitempty"`
	NumContainers    uint               `json:"NumContainers"`
	Containers       []inspectContainer `json:"Containers,omitempty"`
}

// infraConfig is the part of define.InspectPodInfraConfig Sockerless knows.
type infraConfig struct {
	HostNetwork bool     `json:"HostNetwork"`
	Networks    []string `json:"Networks"`
}

// inspectContainer is define.InspectPodContainerInfo.
type inspectContainer struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

// networks are the names of the infra container's networks.
func (m *Manager) networks(ctx context.Context, p Pod) (names []string, host bool) {
	names = []string{}
	if p.InfraID == "" {
		return names, false
	}
	c, err := m.c.Inspect(ctx, p.InfraID, false)
	if err != nil {
		return names, false
	}
	if c.NetworkSettings != nil {
		for n := range c.NetworkSettings.Networks {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, c.HostConfig != nil && c.HostConfig.NetworkMode == "host"
}

func (m *Manager) listReport(ctx context.Context, p Pod) listReport {
	members := m.Members(ctx, p)
	nets, _ := m.networks(ctx, p)
	rep := listReport{Containers: []listContainer{}, Created: p.Created, ID: p.ID, InfraID: p.InfraID, Name: p.Name,
		Networks: nets, Status: Status(members), Labels: p.Labels}
	if rep.Labels == nil {
		rep.Labels = map[string]string{}
	}
	for _, c := range members {
		rep.Containers = append(rep.Containers, listContainer{ID: c.ID, Names: c.Name, Status: c.Status})
	}
	return rep
}

func (m *Manager) inspectData(ctx context.Context, p Pod) inspectData {
	members := m.Members(ctx, p)
	d := inspectData{ID: p.ID, Name: p.Name, Created: p.Created, CreateCommand: p.CreateCommand, ExitPolicy: p.ExitPolicy,
		State: Status(members), Hostname: p.Hostname, Labels: p.Labels, CreateInfra: p.InfraID != "",
		InfraContainerID: p.InfraID, SharedNamespaces: p.SharedNamespaces, NumContainers: uint(len(members))}
	if p.InfraID != "" {
		nets, host := m.networks(ctx, p)
		d.InfraConfig = &infraConfig{HostNetwork: host, Networks: nets}
	}
	for _, c := range members {
		d.Containers = append(d.Containers, inspectContainer{ID: c.ID, Name: c.Name, State: c.Status})
	}
	return d
}
