package engine

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/volumes"
)

// Volumes is what the engine needs of the volume manager.
type Volumes interface {
	// Acquire returns the volume a container mounts (creating it when
	// missing; an empty name is an anonymous volume) and its host
	// directory, and counts the container among its users.
	Acquire(ctx context.Context, containerID string, opts VolumeOptions) (volume.Volume, string, error)
	// Restore counts a container loaded from disk among a volume's users.
	Restore(name, containerID string)
	// Release forgets the container as a user of its volumes; with
	// removeAnonymous its anonymous volumes nobody else uses are removed.
	Release(ctx context.Context, containerID string, removeAnonymous bool) error
	// Populate copies the image's content at dir into an empty volume.
	Populate(name, dir string) error
}

// VolumeOptions ask [Volumes.Acquire] for a volume.
type VolumeOptions = volumes.AcquireOptions

// Mount is a container's mount as the engine records it: what the driver
// mounts, and what inspect shows about it.
type Mount struct {
	driver.Mount
	// Name and Driver are set for volumes.
	Name   string `json:",omitempty"`
	Driver string `json:",omitempty"`
	// Mode is the mode string of a -v spec ("ro", "z"), as inspect shows it.
	Mode string `json:",omitempty"`
	// Hidden mounts (HostConfig.Tmpfs) are not listed by inspect, as dockerd.
	Hidden bool `json:",omitempty"`
	// NoCopy keeps the image's content out of a new volume.
	NoCopy bool `json:",omitempty"`
	// TmpfsMode is the permission bits of a tmpfs mount's root (0: 1777).
	TmpfsMode os.FileMode `json:",omitempty"`
	// volume holds what Acquire needs until the mount is acquired.
	volume *VolumeOptions
}

// mounts turns HostConfig.VolumesFrom, Binds, Mounts and Tmpfs and the
// anonymous volumes of Config.Volumes (the image's VOLUME and `-v /path`)
// into the container's mounts, as dockerd's registerMountPoints: later
// sources win a destination (binds and mounts over volumes-from; any of
// them over Config.Volumes). Volumes are acquired by [Engine.acquire].
func (e *Engine) mounts(id string, cfg *container.Config, hc *container.HostConfig) ([]Mount, error) {
	byDest := map[string]Mount{}
	var order []string
	put := func(m Mount) {
		if _, ok := byDest[m.Destination]; !ok {
			order = append(order, m.Destination)
		}
		byDest[m.Destination] = m
	}
	for _, spec := range hc.VolumesFrom {
		from, err := e.volumesFrom(spec)
		if err != nil {
			return nil, err
		}
		for _, m := range from {
			put(m)
		}
	}
	user := map[string]bool{} // destinations set by Binds and Mounts
	add := func(m Mount) error {
		if !path.IsAbs(m.Destination) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Destination))
		}
		m.Destination = path.Clean(m.Destination)
		if user[m.Destination] {
			return errdefs.ErrInvalidArgument.WithMessage("Duplicate mount point: " + m.Destination)
		}
		user[m.Destination] = true
		put(m)
		return nil
	}
	for _, b := range hc.Binds {
		m, err := parseBind(b)
		if err != nil {
			return nil, err
		}
		if !path.IsAbs(m.Destination) {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
				"invalid volume specification: '%s': invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", b, m.Type, m.Destination))
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, mt := range hc.Mounts {
		m, err := e.parseMount(id, mt)
		if err != nil {
			return nil, err
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, dst := range slices.Sorted(maps.Keys(hc.Tmpfs)) {
		m, err := tmpfsMount(e.containerDir(id), dst, hc.Tmpfs[dst])
		if err != nil {
			return nil, err
		}
		m.Hidden = true
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, dst := range slices.Sorted(maps.Keys(cfg.Volumes)) {
		if !path.IsAbs(dst) {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type \"volume\": invalid mount path: '%s' mount path must be absolute", dst))
		}
		if _, taken := byDest[path.Clean(dst)]; taken {
			continue
		}
		put(Mount{Mount: driver.Mount{Type: "volume", Destination: path.Clean(dst)}, Driver: "local", volume: &VolumeOptions{}})
	}
	out := make([]Mount, 0, len(order))
	for _, d := range order {
		out = append(out, byDest[d])
	}
	return out, nil
}

// parseBind parses "source:destination[:options]" of HostConfig.Binds: a
// host directory (created when missing, as dockerd) or a volume name. A
// lone absolute path is an anonymous volume, as in dockerd's ParseMountRaw
// (act passes a job container's "volumes: [/path]" so).
func parseBind(spec string) (Mount, error) {
	parts := strings.Split(spec, ":")
	if len(parts) == 1 && path.IsAbs(spec) {
		m := Mount{Mount: driver.Mount{Type: "volume", Destination: spec}, Driver: "local", volume: &VolumeOptions{}}
		m.Mode = "z"
		return m, nil
	}
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid volume specification: '" + spec + "'")
	}
	m := Mount{Mount: driver.Mount{Type: "bind", Source: parts[0], Destination: parts[1]}}
	if len(parts) == 3 {
		m.Mode = parts[2]
		for opt := range strings.SplitSeq(parts[2], ",") {
			switch opt {
			case "ro":
				m.ReadOnly = true
			case "nocopy":
				m.NoCopy = true
			case "rw", "z", "Z", "private", "rprivate", "shared", "rshared", "slave", "rslave", "consistent", "cached", "delegated":
			default:
				return Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid mode: " + opt)
			}
		}
	}
	if !path.IsAbs(m.Source) {
		m.Type, m.Name, m.Driver, m.Source = "volume", m.Source, "local", ""
		if m.Mode == "" {
			m.Mode = "z"
		}
		m.volume = &VolumeOptions{Name: m.Name}
		return m, nil
	}
	if _, err := os.Stat(m.Source); err == nil {
		return m, nil // an existing file (a socket too) or directory is bound as it is
	}
	if err := os.MkdirAll(m.Source, 0o755); err != nil {
		return Mount{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("error while creating mount source path '%s': %v", m.Source, err))
	}
	return m, nil
}

// parseMount turns one HostConfig.Mounts entry (--mount) into a mount.
func (e *Engine) parseMount(id string, mt mount.Mount) (Mount, error) {
	invalid := func(msg string) error {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type %q: %s", mt.Type, msg))
	}
	switch mt.Type {
	case mount.TypeBind:
		if !path.IsAbs(mt.Source) {
			return Mount{}, invalid(fmt.Sprintf("invalid mount path: '%s' mount path must be absolute", mt.Source))
		}
		if _, err := os.Stat(mt.Source); err != nil {
			return Mount{}, invalid("bind source path does not exist: " + mt.Source)
		}
		return Mount{Mount: driver.Mount{Type: "bind", Source: mt.Source, Destination: mt.Target, ReadOnly: mt.ReadOnly}}, nil
	case mount.TypeVolume:
		vo := &VolumeOptions{Name: mt.Source}
		noCopy := false
		if o := mt.VolumeOptions; o != nil {
			vo.Labels = o.Labels
			if o.DriverConfig != nil {
				vo.Driver, vo.DriverOpts = o.DriverConfig.Name, o.DriverConfig.Options
			}
			noCopy = o.NoCopy
			if o.Subpath != "" {
				return Mount{}, e.unsupported("volume subpath")
			}
		}
		drv := vo.Driver
		if drv == "" {
			drv = "local"
		}
		return Mount{Mount: driver.Mount{Type: "volume", Destination: mt.Target, ReadOnly: mt.ReadOnly},
			Name: mt.Source, Driver: drv, NoCopy: noCopy, volume: vo}, nil
	case mount.TypeTmpfs:
		if mt.Source != "" {
			return Mount{}, invalid("source must not be specified")
		}
		opts := ""
		if o := mt.TmpfsOptions; o != nil && o.Mode != 0 {
			opts = "mode=" + strconv.FormatUint(uint64(o.Mode.Perm()), 8)
		}
		m, err := tmpfsMount(e.containerDir(id), mt.Target, opts)
		m.ReadOnly = mt.ReadOnly
		return m, err
	case "":
		return Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid mount config: mount type unknown")
	case mount.TypeNamedPipe, mount.TypeCluster, mount.TypeImage:
		return Mount{}, e.unsupportedPlural(string(mt.Type) + " mounts")
	}
	return Mount{}, invalid("mount type unknown")
}

// tmpfsMount is a tmpfs at dst: a directory of the container, emptied at
// every start. Its size is not enforced.
func tmpfsMount(dir, dst, opts string) (Mount, error) {
	m := Mount{Mount: driver.Mount{Type: "tmpfs", Destination: dst}}
	for o := range strings.SplitSeq(opts, ",") {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "mode":
			mode, err := strconv.ParseUint(v, 8, 32)
			if err != nil {
				return Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid tmpfs option [\"" + o + "\"]")
			}
			m.TmpfsMode = os.FileMode(mode)
		case "ro":
			m.ReadOnly = true
		}
	}
	if !path.IsAbs(dst) {
		return Mount{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type \"tmpfs\": invalid mount path: '%s' mount path must be absolute", dst))
	}
	// One directory per destination, never outside dir/tmpfs.
	name := strings.ReplaceAll(strings.Trim(path.Clean(dst), "/"), "/", "_")
	if name == "" {
		name = "_root"
	}
	m.Source = filepath.Join(dir, "tmpfs", name)
	return m, nil
}

// volumesFrom copies the mounts of the container in spec
// ("name[:ro|:rw]"), as --volumes-from.
func (e *Engine) volumesFrom(spec string) ([]Mount, error) {
	ref, mode, _ := strings.Cut(spec, ":")
	if mode != "" && mode != "ro" && mode != "rw" {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid mode for volumes-from: " + mode)
	}
	src, err := e.get(ref)
	if err != nil {
		return nil, createNotFound(err) // dockerd answers 400
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	var out []Mount
	for _, m := range src.rec.Mounts {
		if m.Type == "tmpfs" {
			continue
		}
		switch mode {
		case "ro":
			m.ReadOnly = true
		case "rw":
			m.ReadOnly = false
		}
		if m.Type == "volume" {
			m.volume = &VolumeOptions{Name: m.Name}
		}
		out = append(out, m)
	}
	return out, nil
}

// acquire takes the volumes of r's mounts and sets their sources; on
// failure the caller releases what was taken.
func (e *Engine) acquire(ctx context.Context, r *Record) error {
	for i := range r.Mounts {
		m := &r.Mounts[i]
		if m.volume == nil {
			continue
		}
		if e.vols == nil {
			return e.unsupportedPlural("volumes")
		}
		v, src, err := e.vols.Acquire(ctx, r.ID, *m.volume)
		if err != nil {
			return err
		}
		m.Name, m.Driver, m.Source, m.volume = v.Name, v.Driver, src, nil
		if !m.NoCopy {
			if err := e.vols.Populate(v.Name, filepath.Join(e.rootFS(r.ID), filepath.FromSlash(m.Destination))); err != nil {
				return fmt.Errorf("copy image content to volume %s: %w", v.Name, err)
			}
		}
	}
	return nil
}

// resetTmpfs empties the tmpfs mounts before a run.
func resetTmpfs(ms []Mount) error {
	for _, m := range ms {
		if m.Type != "tmpfs" {
			continue
		}
		if err := os.RemoveAll(m.Source); err != nil {
			return err
		}
		mode := m.TmpfsMode
		if mode == 0 {
			mode = 0o1777
		}
		if err := os.MkdirAll(m.Source, 0o700); err != nil {
			return err
		}
		if err := os.Chmod(m.Source, mode.Perm()|stickyBit(mode)); err != nil {
			return err
		}
	}
	return nil
}

func stickyBit(mode os.FileMode) os.FileMode {
	if mode&0o1000 != 0 {
		return os.ModeSticky
	}
	return 0
}

// driverMounts are the mounts as the driver sees them.
func driverMounts(ms []Mount) []driver.Mount {
	out := make([]driver.Mount, 0, len(ms))
	for _, m := range ms {
		dm := m.Mount
		if dm.Type == "volume" {
			dm.Volume = m.Name
		}
		out = append(out, dm)
	}
	return out
}

// mountPoints are the mounts as inspect and list show them, as dockerd:
// binds have rprivate propagation; volumes their name and driver.
func mountPoints(ms []Mount) []container.MountPoint {
	out := make([]container.MountPoint, 0, len(ms))
	for _, m := range ms {
		if m.Hidden {
			continue
		}
		mp := container.MountPoint{Type: mount.Type(m.Type), Name: m.Name, Source: m.Source, Destination: m.Destination,
			Driver: m.Driver, Mode: m.Mode, RW: !m.ReadOnly}
		switch m.Type {
		case "bind":
			mp.Propagation = mount.PropagationRPrivate
		case "tmpfs":
			mp.Source = ""
		}
		out = append(out, mp)
	}
	return out
}
