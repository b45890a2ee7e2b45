package ecsdriver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/containerd/errdefs"
)

// Docker volumes live in Amazon EFS: one file system for the backend, with
// a mount target in each of the tasks' subnets, and one access point per
// Docker volume, tagged with the volume's name. A task mounts a volume
// through its access point (efsVolumeConfiguration, transit encryption on,
// as access points require).
const (
	// tagVolume names the Docker volume an access point holds.
	tagVolume = "sockerless:volume"
	// volumesRoot is the directory of the access points' roots in the
	// file system.
	volumesRoot = "/sockerless/volumes/"
	// efsWait bounds the wait for a new file system or mount target to
	// become available (real EFS takes a minute or two).
	efsWait = 5 * time.Minute
)

// volumeStore finds and makes the EFS resources of Docker volumes.
type volumeStore struct {
	efs     *efs.Client
	cfg     *Config
	poll    time.Duration
	fsReady bool              // the file system and its mount targets are available
	aps     map[string]string // volume name → access point ID
}

// fileSystem returns the backend's EFS file system: the configured one,
// else the one made with the creation token sockerless-<cluster> (made
// now when missing), once it and a mount target in every task subnet are
// available. The caller holds the driver's volume lock.
func (v *volumeStore) fileSystem(ctx context.Context) (string, error) {
	if v.fsReady {
		return v.cfg.FileSystem, nil
	}
	if v.cfg.FileSystem == "" {
		out, err := v.efs.CreateFileSystem(ctx, &efs.CreateFileSystemInput{
			CreationToken: aws.String("sockerless-" + v.cfg.Cluster),
			Encrypted:     aws.Bool(true),
			Tags:          []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("sockerless-" + v.cfg.Cluster)}},
		})
		var exists *efstypes.FileSystemAlreadyExists
		switch {
		case errors.As(err, &exists):
			v.cfg.FileSystem = aws.ToString(exists.FileSystemId)
		case err != nil:
			return "", fmt.Errorf("ecs backend: create the volumes' EFS file system: %w", awsErr(err))
		default:
			v.cfg.FileSystem = aws.ToString(out.FileSystemId)
		}
	}
	if err := v.waitFileSystem(ctx); err != nil {
		return "", err
	}
	if err := v.mountTargets(ctx); err != nil {
		return "", err
	}
	v.fsReady = true
	return v.cfg.FileSystem, nil
}

// waitFileSystem waits until the file system is available.
func (v *volumeStore) waitFileSystem(ctx context.Context) error {
	return v.until(ctx, "file system "+v.cfg.FileSystem, func() (bool, error) {
		out, err := v.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(v.cfg.FileSystem)})
		if err != nil {
			return false, fmt.Errorf("ecs backend: describe EFS file system %s: %w", v.cfg.FileSystem, awsErr(err))
		}
		for _, f := range out.FileSystems {
			switch f.LifeCycleState {
			case efstypes.LifeCycleStateAvailable:
				return true, nil
			case efstypes.LifeCycleStateDeleting, efstypes.LifeCycleStateDeleted, efstypes.LifeCycleStateError:
				return false, errdefs.ErrFailedPrecondition.WithMessage(fmt.Sprintf(
					"ecs backend: EFS file system %s for volumes is %s", v.cfg.FileSystem, f.LifeCycleState))
			}
		}
		return false, nil
	})
}

// mountTargets makes a mount target in each task subnet that has none
// (with the tasks' security groups) and waits for all to be available.
func (v *volumeStore) mountTargets(ctx context.Context) error {
	have := map[string]efstypes.LifeCycleState{}
	list := func() error {
		clear(have)
		p := efs.NewDescribeMountTargetsPaginator(v.efs, &efs.DescribeMountTargetsInput{FileSystemId: aws.String(v.cfg.FileSystem)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("ecs backend: describe EFS mount targets of %s: %w", v.cfg.FileSystem, awsErr(err))
			}
			for _, m := range out.MountTargets {
				have[aws.ToString(m.SubnetId)] = m.LifeCycleState
			}
		}
		return nil
	}
	if err := list(); err != nil {
		return err
	}
	for _, subnet := range v.cfg.Subnets {
		if _, ok := have[subnet]; ok {
			continue
		}
		_, err := v.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: aws.String(v.cfg.FileSystem),
			SubnetId: aws.String(subnet), SecurityGroups: v.cfg.SecurityGroups})
		var conflict *efstypes.MountTargetConflict
		if err != nil && !errors.As(err, &conflict) { // conflict: another backend made it meanwhile
			return fmt.Errorf("ecs backend: create an EFS mount target in %s: %w", subnet, awsErr(err))
		}
	}
	return v.until(ctx, "mount targets of "+v.cfg.FileSystem, func() (bool, error) {
		if err := list(); err != nil {
			return false, err
		}
		for _, subnet := range v.cfg.Subnets {
			if have[subnet] != efstypes.LifeCycleStateAvailable {
				return false, nil
			}
		}
		return true, nil
	})
}

// until polls done until it reports true, fails, or efsWait passes.
func (v *volumeStore) until(ctx context.Context, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(efsWait)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("ecs backend: EFS %s not available after %v", what, efsWait))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(v.poll):
		}
	}
}

// accessPoint returns the access point of volume name, made when there is
// none: its root directory is new (a random suffix), so a volume made
// again under a removed one's name starts empty, as in Docker. EFS takes
// root paths of at most 100 characters: the directory carries the name's
// first 40 (the tag, the whole name).
func (v *volumeStore) accessPoint(ctx context.Context, name string) (string, error) {
	if id, ok := v.aps[name]; ok {
		return id, nil
	}
	fsID, err := v.fileSystem(ctx)
	if err != nil {
		return "", err
	}
	id, err := v.findAccessPoint(ctx, name)
	if err != nil || id != "" {
		return id, err
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	out, err := v.efs.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{
		FileSystemId: aws.String(fsID),
		RootDirectory: &efstypes.RootDirectory{
			Path: aws.String(volumesRoot + name[:min(len(name), 40)] + "-" + hex.EncodeToString(suffix[:])),
			// A Docker volume's directory: root's, 0755.
			CreationInfo: &efstypes.CreationInfo{OwnerUid: aws.Int64(0), OwnerGid: aws.Int64(0), Permissions: aws.String("0755")},
		},
		Tags: []efstypes.Tag{{Key: aws.String(tagVolume), Value: aws.String(name)},
			{Key: aws.String("Name"), Value: aws.String("sockerless volume " + name)}},
	})
	if err != nil {
		return "", fmt.Errorf("ecs backend: create the EFS access point of volume %s: %w", name, awsErr(err))
	}
	id = aws.ToString(out.AccessPointId)
	v.aps[name] = id
	return id, nil
}

// findAccessPoint returns the ID of volume name's access point in the
// file system, "" when it has none.
func (v *volumeStore) findAccessPoint(ctx context.Context, name string) (string, error) {
	p := efs.NewDescribeAccessPointsPaginator(v.efs, &efs.DescribeAccessPointsInput{FileSystemId: aws.String(v.cfg.FileSystem)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ecs backend: describe EFS access points of %s: %w", v.cfg.FileSystem, awsErr(err))
		}
		for _, a := range out.AccessPoints {
			for _, t := range a.Tags {
				if aws.ToString(t.Key) == tagVolume && aws.ToString(t.Value) == name {
					v.aps[name] = aws.ToString(a.AccessPointId)
					return aws.ToString(a.AccessPointId), nil
				}
			}
		}
	}
	return "", nil
}

// remove deletes volume name's access point, if it has one. EFS keeps
// the directory's data (deleting an access point never deletes files);
// no later volume reuses that directory.
func (v *volumeStore) remove(ctx context.Context, name string) error {
	if v.cfg.FileSystem == "" {
		// No file system was configured or made in this run: look for
		// the one the backend makes, without making it.
		out, err := v.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{CreationToken: aws.String("sockerless-" + v.cfg.Cluster)})
		if err != nil {
			return fmt.Errorf("ecs backend: describe EFS file systems: %w", awsErr(err))
		}
		if len(out.FileSystems) == 0 {
			return nil
		}
		v.cfg.FileSystem = aws.ToString(out.FileSystems[0].FileSystemId)
	}
	id, ok := v.aps[name]
	if !ok {
		var err error
		if id, err = v.findAccessPoint(ctx, name); err != nil || id == "" {
			return err
		}
	}
	_, err := v.efs.DeleteAccessPoint(ctx, &efs.DeleteAccessPointInput{AccessPointId: aws.String(id)})
	var gone *efstypes.AccessPointNotFound
	if err != nil && !errors.As(err, &gone) {
		return fmt.Errorf("ecs backend: delete the EFS access point of volume %s: %w", name, awsErr(err))
	}
	delete(v.aps, name)
	return nil
}

// RemoveVolume deletes the EFS access point of volume name (the core's
// [driver.VolumeRemover] hook).
func (d *Driver) RemoveVolume(ctx context.Context, name string) error {
	d.volMu.Lock()
	defer d.volMu.Unlock()
	return d.vols.remove(ctx, name)
}
