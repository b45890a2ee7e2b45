package engine

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Group is a set of containers that share one network namespace, as a
// pod's containers do: the root owns the namespace and every other member
// joins it with NetworkMode "container:<ref>", directly or through another
// member. Cloud backends run a group as one multi-container task (ECS task,
// Cloud Run service with sidecars, ACA app); the libpod pod endpoints
// (package pods) name the group of a pod's infra container.
type Group struct {
	// Root is the container whose network namespace the members share.
	Root string
	// Members are the containers of the group, root first, then in the
	// order they were created.
	Members []Member
}

// Member is one container of a [Group].
type Member struct {
	ID      string
	Name    string // without the leading slash
	Status  string // Docker's state: created, running, exited...
	Created time.Time
}

// Group returns the group of container ref: the containers that share its
// network namespace. A container that shares no namespace is a group of
// one.
func (e *Engine) Group(ctx context.Context, ref string) (Group, error) {
	c, err := e.get(ref)
	if err != nil {
		return Group{}, err
	}
	return e.group(c.rec.ID), nil
}

// group is the group of container id. It locks each container in turn:
// the caller holds none.
func (e *Engine) group(id string) Group {
	all := e.all()
	parent := map[string]string{} // member ID → the container it joins
	info := map[string]Member{}
	for _, o := range all {
		o.mu.Lock()
		r := &o.rec
		oid := r.ID
		info[oid] = Member{ID: oid, Name: strings.TrimPrefix(r.Name, "/"), Status: string(r.State.Status), Created: r.Created}
		mode := string(r.HostConfig.NetworkMode)
		o.mu.Unlock()
		if target, ok := strings.CutPrefix(mode, "container:"); ok {
			if t, err := e.get(target); err == nil {
				parent[oid] = t.rec.ID // the ID never changes: no lock needed
			}
		}
	}
	root := rootOf(id, parent)
	g := Group{Root: root}
	for mid, m := range info {
		if mid != root && rootOf(mid, parent) == root {
			g.Members = append(g.Members, m)
		}
	}
	slices.SortFunc(g.Members, func(a, b Member) int {
		if d := a.Created.Compare(b.Created); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	g.Members = slices.Insert(g.Members, 0, info[root])
	return g
}

// pendingMembers are the created containers that will join the network
// namespace container id owns, in creation order: a driver that runs a
// namespace as one unit (an ECS task) starts them with it. None when id
// joins another's. No container lock is held.
func (e *Engine) pendingMembers(id string) []string {
	g := e.group(id)
	if g.Root != id {
		return nil
	}
	var ids []string
	for _, m := range g.Members[1:] {
		if m.Status == string(StatusCreated) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// rootOf follows the "container:" chain from id to the container that owns
// the namespace. A cycle (a mode naming a container that was later renamed
// can close one) has no owner: its smallest ID stands for it, so that every
// member finds the same root.
func rootOf(id string, parent map[string]string) string {
	var path []string
	at := map[string]int{}
	for {
		if i, seen := at[id]; seen {
			return slices.Min(path[i:])
		}
		at[id] = len(path)
		path = append(path, id)
		p, ok := parent[id]
		if !ok {
			return id
		}
		id = p
	}
}

// RandomName returns a free adjective_surname container name, as dockerd
// (and podman, for pods) names what the client left unnamed.
func (e *Engine) RandomName() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.generateName()[1:]
}
