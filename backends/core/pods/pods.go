// Package pods serves the pod endpoints of podman's libpod API
// (https://docs.podman.io/en/v4.3/_static/api.html#tag/pods): create,
// list, inspect, exists, start, stop, restart, kill, remove and prune
// under /libpod/pods,
// with podman 4.3's bodies and error envelope.
//
// A pod is a named [engine.Group]: the containers that share the network
// namespace of the pod's infra container. Containers join a pod as they
// join any container's namespace, with NetworkMode "container:<infra>";
// the engine's grouping is the one source of membership, so the implicit
// groups that compose's `network_mode: service:x` makes and the explicit
// pods made here are the same thing to a cloud backend that runs a group
// as one multi-container task.
//
// # Notes
//
// Where this differs from podman:
//   - podman builds a local pause image for the infra container when the
//     client names none; Sockerless has no such image, so a pod with an
//     infra container needs infra_image (podman pod create --infra-image).
//     Pods without infra (--infra=false) have no members, as in podman.
//   - Pod names have their own namespace; podman shares one with containers.
//   - Removing a pod whose containers run, without force, is a 409 naming
//     the first running container; podman answers 500 listing every error.
//   - No pod events are published: Docker's event types have no pod.
package pods

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/store"
)

// kind is the store kind of pod records.
const kind = "pods"

// validName is podman's rule for pod and container names.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// Containers is what pods need of the container engine.
type Containers interface {
	Create(ctx context.Context, opts engine.CreateOptions) (container.CreateResponse, error)
	Group(ctx context.Context, ref string) (engine.Group, error)
	Inspect(ctx context.Context, ref string, size bool) (container.InspectResponse, error)
	Start(ctx context.Context, ref string) error
	Stop(ctx context.Context, ref, sig string, timeout *int) error
	Kill(ctx context.Context, ref, sig string) error
	Remove(ctx context.Context, ref string, opts engine.RemoveOptions) error
}

// Pod is a pod as the store keeps it.
type Pod struct {
	ID            string
	Name          string
	Created       time.Time
	Labels        map[string]string `json:",omitempty"`
	Hostname      string            `json:",omitempty"`
	ExitPolicy    string            `json:",omitempty"`
	CreateCommand []string          `json:",omitempty"`
	// InfraID is the infra container; empty for a pod made with no_infra.
	InfraID string `json:",omitempty"`
	// SharedNamespaces are the namespaces the members share with the infra.
	SharedNamespaces []string `json:",omitempty"`
}

// Manager keeps the pods of one backend.
type Manager struct {
	st      *store.Store
	c       Containers
	backend string

	mu   sync.Mutex
	pods map[string]*Pod // by ID
}

// Open loads the pods recorded in st.
func Open(st *store.Store, c Containers, backend string) (*Manager, error) {
	m := &Manager{st: st, c: c, backend: backend, pods: map[string]*Pod{}}
	err := st.List(kind, func(id string, data []byte) error {
		var p Pod
		if err := json.Unmarshal(data, &p); err != nil || p.ID != id {
			return fmt.Errorf("pod record %s: unreadable", id)
		}
		m.pods[p.ID] = &p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// noSuchPod is podman's 404.
func noSuchPod(ref string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("no pod with name or ID %s found: no such pod", ref))
}

// Get resolves ref as podman does: a full ID, a name, then a unique ID prefix.
func (m *Manager) Get(ref string) (Pod, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, err := m.getLocked(ref)
	if err != nil {
		return Pod{}, err
	}
	return *p, nil
}

func (m *Manager) getLocked(ref string) (*Pod, error) {
	if ref == "" {
		return nil, noSuchPod(ref)
	}
	if p, ok := m.pods[ref]; ok {
		return p, nil
	}
	for _, p := range m.pods {
		if p.Name == ref {
			return p, nil
		}
	}
	var found *Pod
	for id, p := range m.pods {
		if len(ref) < len(id) && id[:len(ref)] == ref {
			if found != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage(
					fmt.Sprintf("more than one result for pod ID %s: more than one result for lookup", ref))
			}
			found = p
		}
	}
	if found == nil {
		return nil, noSuchPod(ref)
	}
	return found, nil
}

// All returns every pod.
func (m *Manager) All() []Pod {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Pod, 0, len(m.pods))
	for _, p := range m.pods {
		out = append(out, *p)
	}
	return out
}

// Members returns the containers of pod p, infra first. A pod whose infra
// container is gone has none.
func (m *Manager) Members(ctx context.Context, p Pod) []engine.Member {
	if p.InfraID == "" {
		return nil
	}
	g, err := m.c.Group(ctx, p.InfraID)
	if err != nil {
		return nil
	}
	return g.Members
}

// PodOf returns the pod container ref belongs to: its group's root is the
// pod's infra container. ok is false for a container in no pod.
func (m *Manager) PodOf(ctx context.Context, ref string) (p Pod, ok bool, err error) {
	g, err := m.c.Group(ctx, ref)
	if err != nil {
		return Pod{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.pods {
		if p.InfraID != "" && p.InfraID == g.Root {
			return *p, true, nil
		}
	}
	return Pod{}, false, nil
}

func (m *Manager) put(p *Pod) error {
	if err := m.st.Put(kind, p.ID, p); err != nil {
		return fmt.Errorf("record pod %s: %w", p.ID, err)
	}
	return nil
}

func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
