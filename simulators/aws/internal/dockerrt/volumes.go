package dockerrt

import (
	"context"
	"errors"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Mount is a volume or a host directory in a container.
type Mount struct {
	// Volume, when set, is the name of a Docker volume (made by
	// [Runtime.CreateVolume]); else HostPath is bind-mounted.
	Volume   string
	HostPath string
	// Target is the path in the container.
	Target   string
	ReadOnly bool
}

// mounts converts ms to the Engine API's mounts. A bind mount's host
// path is created when missing, as ECS's agent (which passes Binds)
// gets from dockerd.
func mounts(ms []Mount) []mount.Mount {
	var out []mount.Mount
	for _, m := range ms {
		if m.Volume != "" {
			out = append(out, mount.Mount{Type: mount.TypeVolume, Source: m.Volume, Target: m.Target, ReadOnly: m.ReadOnly})
			continue
		}
		out = append(out, mount.Mount{Type: mount.TypeBind, Source: m.HostPath, Target: m.Target, ReadOnly: m.ReadOnly,
			BindOptions: &mount.BindOptions{CreateMountpoint: true}})
	}
	return out
}

// CreateVolume creates the local volume name for workload (labelled with
// [Label], so that [Runtime.RemoveVolumes] finds it).
func (r *Runtime) CreateVolume(ctx context.Context, name, workload string) error {
	_, err := r.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Driver: "local",
		Labels: map[string]string{Label: workload}})
	return err
}

// RemoveVolumes removes every volume of workload. Its containers must be
// gone: dockerd refuses to remove a volume in use.
func (r *Runtime) RemoveVolumes(ctx context.Context, workload string) error {
	list, err := r.cli.VolumeList(ctx, client.VolumeListOptions{
		Filters: make(client.Filters).Add("label", Label+"="+workload)})
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range list.Items {
		if _, err := r.cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
