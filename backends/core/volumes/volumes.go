// Package volumes keeps the backend's volumes, as dockerd's "local"
// volume driver does: named and anonymous volumes are directories under
// the backend's data directory (DataDir/volumes/NAME/_data) whose records
// live in the crash-only store, so their data survives container removal
// and backend restarts. It serves the /volumes endpoints of the Docker
// Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Volume).
//
// # Notes
//
// The local driver's "type", "device" and "o" options are accepted and
// recorded as dockerd does, but the backend mounts no file systems: a
// "type=tmpfs" volume is an ordinary directory (its content is kept
// between uses, unlike a tmpfs), "type=none,o=bind" mounts its device
// directory, and any other type fails the container's create with a 501
// naming the backend. Sizes ("size", tmpfs "size=") are not enforced.
package volumes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/store"
)

// kind is the store kind of volume records.
const kind = "volumes"

// AnonymousLabel marks anonymous volumes, as dockerd 23+ does; prune
// removes only those unless asked for all.
const AnonymousLabel = "com.docker.volume.anonymous"

// validName is dockerd's rule for local volume names.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// Manager holds the volumes and which containers use them.
type Manager struct {
	st      *store.Store
	dir     string
	backend string
	events  events.Publisher
	remove  func(ctx context.Context, name string) error
	now     func() time.Time

	mu   sync.Mutex
	vols map[string]*volume.Volume
	// refs maps a volume name to the IDs of the containers using it.
	refs map[string]map[string]struct{}
}

// Options configure [Open].
type Options struct {
	// Dir holds one directory per volume.
	Dir     string
	Store   *store.Store
	Backend string
	Events  events.Publisher
	// Remove, when set, is called before a volume is forgotten (the
	// driver's [driver.VolumeRemover]); its error keeps the volume.
	Remove func(ctx context.Context, name string) error
}

// Open loads the volumes recorded in opts.Store.
func Open(ctx context.Context, opts Options) (*Manager, error) {
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("open volumes: %w", err)
	}
	m := &Manager{st: opts.Store, dir: opts.Dir, backend: opts.Backend, events: opts.Events, remove: opts.Remove, now: time.Now,
		vols: map[string]*volume.Volume{}, refs: map[string]map[string]struct{}{}}
	err := m.st.List(kind, func(name string, data []byte) error {
		var v volume.Volume
		if err := json.Unmarshal(data, &v); err != nil || v.Name != name {
			return nil // a torn or foreign record: skip it, as the engine does
		}
		v.Mountpoint = m.dataDir(name)
		m.vols[name] = &v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open volumes: %w", err)
	}
	return m, nil
}

func (m *Manager) dataDir(name string) string { return filepath.Join(m.dir, name, "_data") }

// Create creates a volume, as POST /volumes/create: an empty name makes
// an anonymous-looking random one; an existing name returns the existing
// volume, as dockerd does.
func (m *Manager) Create(ctx context.Context, req volume.CreateRequest) (volume.Volume, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, _, err := m.createLocked(ctx, req)
	return v, err
}

func (m *Manager) createLocked(ctx context.Context, req volume.CreateRequest) (volume.Volume, bool, error) {
	if req.Driver == "" {
		req.Driver = "local"
	}
	if req.Name == "" {
		req.Name = newName()
	}
	if req.Driver != "local" {
		return volume.Volume{}, false, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("error looking up volume plugin %s: plugin %q not found", req.Driver, req.Driver))
	}
	if v, ok := m.vols[req.Name]; ok {
		// dockerd's volume service announces every create, of an existing
		// volume too (a container that names it, docker volume create).
		m.publish(ctx, mevents.ActionCreate, v.Name, map[string]string{"driver": "local"})
		return copyVolume(v), false, nil
	}
	if !validName.MatchString(req.Name) {
		return volume.Volume{}, false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", req.Name, req.Name))
	}
	if err := validateOptions(req.DriverOpts); err != nil {
		return volume.Volume{}, false, errdefs.ErrInvalidArgument.WithMessage("create " + req.Name + ": " + err.Error())
	}
	v := &volume.Volume{Name: req.Name, Driver: "local", Scope: "local", Mountpoint: m.dataDir(req.Name),
		CreatedAt: m.now().UTC().Truncate(time.Second).Format(time.RFC3339),
		Labels:    cloneMap(req.Labels), Options: cloneMap(req.DriverOpts)}
	// Without a record, a directory of that name is what a removal
	// interrupted by a crash left behind (the record goes first): stale.
	if err := os.RemoveAll(filepath.Join(m.dir, req.Name)); err != nil {
		return volume.Volume{}, false, fmt.Errorf("create %s: %w", req.Name, err)
	}
	if err := os.MkdirAll(v.Mountpoint, 0o755); err != nil {
		return volume.Volume{}, false, fmt.Errorf("create %s: %w", req.Name, err)
	}
	if err := m.st.Put(kind, v.Name, v); err != nil {
		os.RemoveAll(filepath.Join(m.dir, v.Name))
		return volume.Volume{}, false, err
	}
	m.vols[v.Name] = v
	m.publish(ctx, mevents.ActionCreate, v.Name, map[string]string{"driver": "local"})
	return copyVolume(v), true, nil
}

// validateOptions checks the local driver's options as dockerd does.
func validateOptions(opts map[string]string) error {
	for k := range opts {
		switch k {
		case "type", "device", "o", "size":
		default:
			return fmt.Errorf("invalid option key: %q", k)
		}
	}
	if opts["type"] != "" && opts["device"] == "" {
		return fmt.Errorf("missing required option: \"device\"")
	}
	return nil
}

// mountable reports whether the backend can serve v's options: a plain
// directory, "type=tmpfs" (served as a directory of the volume) or
// "type=none,o=bind" of a host directory.
func (m *Manager) mountable(v *volume.Volume) error {
	switch t := v.Options["type"]; t {
	case "", "tmpfs":
		return nil
	case "none":
		if v.Options["o"] == "bind" || v.Options["o"] == "rbind" {
			return nil
		}
	}
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("local volume %s with type=%s is not supported by the %s backend: it mounts no file systems", v.Name, v.Options["type"], m.backend))
}

// source is where v's data is on the host.
func source(v *volume.Volume) string {
	if v.Options["type"] == "none" && v.Options["device"] != "" {
		return v.Options["device"]
	}
	return v.Mountpoint
}

// Get returns volume name.
func (m *Manager) Get(ctx context.Context, name string) (volume.Volume, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vols[name]
	if !ok {
		return volume.Volume{}, errdefs.ErrNotFound.WithMessage("get " + name + ": no such volume")
	}
	out := copyVolume(v)
	return out, nil
}

// Remove deletes volume name and its data. A volume in use is a 409 with
// dockerd's text; force ignores a missing volume (not one in use).
func (m *Manager) Remove(ctx context.Context, name string, force bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.vols[name]; !ok {
		if force {
			return nil
		}
		return errdefs.ErrNotFound.WithMessage("get " + name + ": no such volume")
	}
	return m.removeLocked(ctx, name)
}

func (m *Manager) removeLocked(ctx context.Context, name string) error {
	if users := m.refs[name]; len(users) > 0 {
		ids := make([]string, 0, len(users))
		for id := range users {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("remove %s: volume is in use - %v", name, ids))
	}
	if m.remove != nil {
		if err := m.remove(ctx, name); err != nil {
			return fmt.Errorf("remove %s: %w", name, err)
		}
	}
	if err := m.st.Delete(kind, name); err != nil {
		return err
	}
	delete(m.vols, name)
	if err := os.RemoveAll(filepath.Join(m.dir, name)); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	m.publish(ctx, mevents.ActionDestroy, name, map[string]string{"driver": "local"})
	return nil
}

func (m *Manager) publish(ctx context.Context, action mevents.Action, name string, attrs map[string]string) {
	if m.events == nil {
		return
	}
	m.events.Publish(ctx, mevents.Message{Type: mevents.VolumeEventType, Action: action,
		Actor: mevents.Actor{ID: name, Attributes: attrs}})
}

// newName is an anonymous volume's name: 64 hex digits, as dockerd's.
func newName() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cloneMap copies m; empty is nil, as dockerd shows a volume's Labels
// and Options when none were given.
func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyVolume(v *volume.Volume) volume.Volume {
	out := *v
	out.Labels, out.Options = cloneMap(v.Labels), cloneMap(v.Options)
	return out
}
