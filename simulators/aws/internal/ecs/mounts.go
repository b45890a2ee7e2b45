package ecs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
)

// FileSystems gives the host directories that hold EFS file systems'
// data; the EFS simulator implements it.
type FileSystems interface {
	FileSystemDir(region, id string) (string, error)
	AccessPointDir(region, fsID, apID string) (string, error)
}

// prepareVolumes sets up the task's volumes that its containers mount and
// returns each container's mounts. With the docker runtime, a volume
// with no configuration (or a host without sourcePath) is a Docker volume
// of the task, labelled with its ARN and removed when it stops;
// host.sourcePath is bind-mounted; an EFS volume bind-mounts the
// directory that holds the file system's (or access point's) data. The
// process runtime cannot mount anything: a task that needs it fails to
// start rather than run without its volumes.
func (s *Service) prepareVolumes(ctx context.Context, t *task) (map[string][]dockerrt.Mount, error) {
	used := map[string]bool{}
	for _, c := range t.Containers {
		for _, m := range c.def.MountPoints {
			used[m.SourceVolume] = true
		}
	}
	if len(used) == 0 {
		return nil, nil
	}
	if s.docker == nil {
		return nil, s.cannotMount(t)
	}
	sources := map[string]dockerrt.Mount{}
	for _, v := range t.volumes {
		if !used[v.Name] {
			continue
		}
		switch {
		case v.EFS != nil:
			dir, err := s.efsDir(t.Region, v.EFS)
			if err != nil {
				return nil, fmt.Errorf("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: "+
					"stderr: %v: unsuccessful EFS utils command execution; code: 32", err)
			}
			sources[v.Name] = dockerrt.Mount{HostPath: dir}
		case v.DockerVolume != nil || v.FSxWindows != nil:
			return nil, fmt.Errorf("ResourceInitializationError: volume %s: dockerVolumeConfiguration and "+
				"fsxWindowsFileServerVolumeConfiguration are not supported by sockerless-sim-aws", v.Name)
		case v.sourcePath() != "":
			sources[v.Name] = dockerrt.Mount{HostPath: v.sourcePath()}
		default:
			name := volumeName(t, v.Name)
			if err := s.docker.CreateVolume(ctx, name, t.TaskArn); err != nil {
				return nil, fmt.Errorf("ResourceInitializationError: failed to create volume %s: %w", v.Name, err)
			}
			sources[v.Name] = dockerrt.Mount{Volume: name}
		}
	}
	out := map[string][]dockerrt.Mount{}
	for _, c := range t.Containers {
		for _, m := range c.def.MountPoints {
			src := sources[m.SourceVolume]
			src.Target, src.ReadOnly = m.ContainerPath, m.ReadOnly
			out[c.Name] = append(out[c.Name], src)
		}
	}
	return out, nil
}

// cannotMount fails the containers that have mount points: host
// processes have no mount namespace of their own to mount them in.
func (s *Service) cannotMount(t *task) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first string
	for _, c := range t.Containers {
		if len(c.def.MountPoints) == 0 {
			continue
		}
		reason := fmt.Sprintf("CannotStartContainerError: container %s has mountPoints, which the process runtime of "+
			"sockerless-sim-aws cannot mount (its containers are host processes); run the simulator with --runtime docker", c.Name)
		c.LastStatus, c.Reason = "STOPPED", reason
		if first == "" {
			first = reason
		}
	}
	return errors.New(first)
}

// efsDir returns the host directory of an EFS volume: the access
// point's, or the file system's rootDirectory, which must exist (NFS
// cannot mount a missing path).
func (s *Service) efsDir(region string, v *efsVolume) (string, error) {
	if s.efs == nil {
		return "", errors.New("the simulator has no EFS service")
	}
	if ap := v.accessPoint(); ap != "" {
		return s.efs.AccessPointDir(region, v.FileSystemID, ap)
	}
	dir, err := s.efs.FileSystemDir(region, v.FileSystemID)
	if err != nil || v.RootDirectory == "" || v.RootDirectory == "/" {
		return dir, err
	}
	sub := filepath.Join(dir, filepath.Clean("/"+v.RootDirectory))
	if _, err := os.Stat(sub); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("mount.nfs4: mounting %s.efs.%s.amazonaws.com:%s failed, reason given by server: No such file or directory",
			v.FileSystemID, region, v.RootDirectory)
	} else if err != nil {
		return "", err
	}
	return sub, nil
}
