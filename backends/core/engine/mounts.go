package engine

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/sockerless/sockerless/api/driver"
)

// mounts turns HostConfig.Binds and HostConfig.Mounts into driver mounts.
// Bind mounts are served; named volumes and tmpfs are TODO(#3) and answer
// 501 naming the backend.
func (e *Engine) mounts(hc *container.HostConfig) ([]driver.Mount, error) {
	var out []driver.Mount
	seen := map[string]bool{}
	add := func(m driver.Mount) error {
		if !path.IsAbs(m.Destination) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Destination))
		}
		m.Destination = path.Clean(m.Destination)
		if seen[m.Destination] {
			return errdefs.ErrInvalidArgument.WithMessage("Duplicate mount point: " + m.Destination)
		}
		seen[m.Destination] = true
		out = append(out, m)
		return nil
	}
	for _, b := range hc.Binds {
		m, err := e.parseBind(b)
		if err != nil {
			return nil, err
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, m := range hc.Mounts {
		if m.Type != mount.TypeBind {
			return nil, e.unsupportedPlural(string(m.Type) + " mounts")
		}
		if !path.IsAbs(m.Source) {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", m.Source))
		}
		if _, err := os.Stat(m.Source); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage("invalid mount config for type \"bind\": bind source path does not exist: " + m.Source)
		}
		if err := add(driver.Mount{Type: "bind", Source: m.Source, Destination: m.Target, ReadOnly: m.ReadOnly}); err != nil {
			return nil, err
		}
	}
	if len(hc.Tmpfs) > 0 {
		return nil, e.unsupportedPlural("tmpfs mounts")
	}
	return out, nil
}

// parseBind parses "source:destination[:options]". As dockerd, a missing
// host directory is created.
func (e *Engine) parseBind(spec string) (driver.Mount, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return driver.Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid volume specification: '" + spec + "'")
	}
	m := driver.Mount{Type: "bind", Source: parts[0], Destination: parts[1]}
	if len(parts) == 3 {
		for opt := range strings.SplitSeq(parts[2], ",") {
			switch opt {
			case "ro":
				m.ReadOnly = true
			case "rw", "z", "Z", "private", "rprivate", "shared", "rshared", "slave", "rslave", "nocopy", "consistent", "cached", "delegated":
			default:
				return driver.Mount{}, errdefs.ErrInvalidArgument.WithMessage("invalid mode: " + opt)
			}
		}
	}
	if !path.IsAbs(m.Source) {
		return driver.Mount{}, e.unsupportedPlural("named volumes")
	}
	if err := os.MkdirAll(m.Source, 0o755); err != nil {
		return driver.Mount{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("error while creating mount source path '%s': %v", m.Source, err))
	}
	return m, nil
}

// mountPoints are the mounts as inspect and list show them.
func mountPoints(ms []driver.Mount) []container.MountPoint {
	out := make([]container.MountPoint, 0, len(ms))
	for _, m := range ms {
		mode := ""
		if m.ReadOnly {
			mode = "ro"
		}
		out = append(out, container.MountPoint{Type: mount.Type(m.Type), Source: m.Source, Destination: m.Destination,
			Mode: mode, RW: !m.ReadOnly, Propagation: mount.PropagationRPrivate})
	}
	return out
}
