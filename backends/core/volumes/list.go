package volumes

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/backends/core/filters"
)

// List returns the volumes passing the filters of GET /volumes
// (dangling, driver, label, name), sorted by name.
func (m *Manager) List(ctx context.Context, f filters.Args) ([]volume.Volume, error) {
	if err := f.Validate("dangling", "driver", "label", "name"); err != nil {
		return nil, err
	}
	var dangling *bool
	for _, d := range f.Get("dangling") {
		switch strings.ToLower(d) {
		case "true", "1":
			t := true
			dangling = &t
		case "false", "0":
			t := false
			dangling = &t
		default:
			return nil, errdefs.ErrInvalidArgument.WithMessage("invalid filter 'dangling=" + d + "'")
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []volume.Volume{}
	for name, v := range m.vols {
		if dangling != nil && *dangling != (len(m.refs[name]) == 0) {
			continue
		}
		if !f.Match("driver", v.Driver) || !f.MatchPattern("name", name) || !f.MatchLabels("label", v.Labels) {
			continue
		}
		out = append(out, copyVolume(v))
	}
	slices.SortFunc(out, func(a, b volume.Volume) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// PruneOptions are a volume prune request.
type PruneOptions struct {
	Filters filters.Args
	// All prunes named volumes too, as API versions before 1.42 did and
	// the "all" filter asks.
	All bool
}

// Prune removes the unused volumes passing the filters (label, label!,
// all): only anonymous ones unless opts.All or the "all" filter is set.
func (m *Manager) Prune(ctx context.Context, opts PruneOptions) (volume.PruneReport, error) {
	f := opts.Filters
	if err := f.Validate("label", "label!", "all"); err != nil {
		return volume.PruneReport{}, err
	}
	all := opts.All
	for _, v := range f.Get("all") {
		switch strings.ToLower(v) {
		case "true", "1":
			all = true
		case "false", "0":
		default:
			return volume.PruneReport{}, errdefs.ErrInvalidArgument.WithMessage("invalid filter 'all=" + v + "'")
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rep := volume.PruneReport{VolumesDeleted: []string{}}
	for _, name := range slices.Sorted(maps.Keys(m.vols)) {
		v := m.vols[name]
		if len(m.refs[name]) > 0 || !f.MatchLabels("label", v.Labels) || !notLabels(f, v.Labels) {
			continue
		}
		if _, anon := v.Labels[AnonymousLabel]; !anon && !all {
			continue
		}
		size := dirSize(v.Mountpoint)
		if err := m.removeLocked(ctx, name); err != nil {
			return rep, err
		}
		rep.VolumesDeleted = append(rep.VolumesDeleted, name)
		rep.SpaceReclaimed += uint64(size)
	}
	m.publish(ctx, mevents.ActionPrune, "", map[string]string{"reclaimed": itoa(rep.SpaceReclaimed)})
	return rep, nil
}

// notLabels applies the "label!" filter: no value may match.
func notLabels(f filters.Args, labels map[string]string) bool {
	for _, l := range f.Get("label!") {
		k, v, hasValue := strings.Cut(l, "=")
		if got, ok := labels[k]; ok && (!hasValue || got == v) {
			return false
		}
	}
	return true
}

// Usage returns each volume with its UsageData (reference count and
// size), for GET /system/df.
func (m *Manager) Usage(ctx context.Context) []volume.Volume {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]volume.Volume, 0, len(m.vols))
	for name, v := range m.vols {
		c := copyVolume(v)
		c.UsageData = &volume.UsageData{RefCount: int64(len(m.refs[name])), Size: dirSize(v.Mountpoint)}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b volume.Volume) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
