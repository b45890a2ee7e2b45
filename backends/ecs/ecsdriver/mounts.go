package ecsdriver

import (
	"context"
	"fmt"
	"path"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// The agent's init container and the task volume it shares with the
// workload ([Config.AgentImage]).
const (
	agentContainer = "sockerless-agent"
	agentVolume    = "sockerless-agent"
	// agentDir is where the workload sees the delivered agent.
	agentDir = "/sockerless"
)

// mounts turns the container's mounts into task volumes and mount points:
// Docker volumes are EFS access points ([volumeStore]). A Fargate task
// cannot see the backend's host, and has no tmpfs: bind and tmpfs mounts
// are refused, naming the backend.
func (d *Driver) mounts(ctx context.Context, spec driver.Spec) ([]types.Volume, []types.MountPoint, error) {
	var vols []types.Volume
	var points []types.MountPoint
	for i, m := range spec.Mounts {
		dst := path.Clean(m.Destination)
		if d.cfg.AgentImage != "" && (dst == agentDir || path.Dir(dst) == agentDir) {
			return nil, nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
				"ecs backend: %s is where the agent is delivered into the task; mount %s elsewhere", agentDir, m.Destination))
		}
		switch m.Type {
		case "volume":
			if m.Volume == "" {
				return nil, nil, errdefs.ErrInvalidArgument.WithMessage("ecs backend: a volume mount without a volume name at " + m.Destination)
			}
			d.volMu.Lock()
			ap, err := d.vols.accessPoint(ctx, m.Volume)
			fsID := d.cfg.FileSystem
			d.volMu.Unlock()
			if err != nil {
				return nil, nil, err
			}
			name := "v" + strconv.Itoa(i)
			vols = append(vols, types.Volume{Name: aws.String(name), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{
				FileSystemId:        aws.String(fsID),
				TransitEncryption:   types.EFSTransitEncryptionEnabled,
				AuthorizationConfig: &types.EFSAuthorizationConfig{AccessPointId: aws.String(ap), Iam: types.EFSAuthorizationConfigIAMDisabled},
			}})
			points = append(points, types.MountPoint{SourceVolume: aws.String(name), ContainerPath: aws.String(m.Destination),
				ReadOnly: aws.Bool(m.ReadOnly)})
		case "bind":
			return nil, nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
				"bind mounts are not supported by the ecs backend: a Fargate task cannot see the backend's host (%s:%s); use a volume",
				m.Source, m.Destination))
		case "tmpfs":
			return nil, nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
				"tmpfs mounts are not supported by the ecs backend: Fargate tasks have no tmpfs (%s)", m.Destination))
		default:
			return nil, nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
				"%s mounts are not supported by the ecs backend (%s)", m.Type, m.Destination))
		}
	}
	return vols, points, nil
}

// agentInit is the init container that delivers the agent: the agent's
// image copies its executable into the task volume the workload mounts
// read-only at agentDir, and exits; the workload's container starts once
// it has exited 0 (dependsOn SUCCESS).
func (d *Driver) agentInit(spec driver.Spec) types.ContainerDefinition {
	return types.ContainerDefinition{
		Name:             aws.String(agentContainer),
		Image:            aws.String(d.cfg.AgentImage),
		Essential:        aws.Bool(false),
		Command:          []string{"install", agentDir},
		MountPoints:      []types.MountPoint{{SourceVolume: aws.String(agentVolume), ContainerPath: aws.String(agentDir)}},
		LogConfiguration: d.logConfig(spec),
	}
}
