package ecs

import (
	"fmt"
	"strings"
)

// volume is a task definition's data volume
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html).
// With neither host.sourcePath nor a configuration it is an empty volume
// of the task (Fargate's bind mount; on EC2 a Docker volume).
type volume struct {
	Name string `json:"name"`
	Host *struct {
		SourcePath string `json:"sourcePath"`
	} `json:"host"`
	EFS *efsVolume `json:"efsVolumeConfiguration"`
	// Configurations the simulator recognises but cannot mount.
	DockerVolume *struct{} `json:"dockerVolumeConfiguration"`
	FSxWindows   *struct{} `json:"fsxWindowsFileServerVolumeConfiguration"`
}

// efsVolume is an EFS file system (or an access point of one) mounted
// into the task.
type efsVolume struct {
	FileSystemID        string `json:"fileSystemId"`
	RootDirectory       string `json:"rootDirectory"`
	TransitEncryption   string `json:"transitEncryption"`
	AuthorizationConfig *struct {
		AccessPointID string `json:"accessPointId"`
		IAM           string `json:"iam"`
	} `json:"authorizationConfig"`
}

func (e *efsVolume) accessPoint() string {
	if e.AuthorizationConfig == nil {
		return ""
	}
	return e.AuthorizationConfig.AccessPointID
}

// mountPoint mounts a task volume into a container.
type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

func (v volume) sourcePath() string {
	if v.Host == nil {
		return ""
	}
	return v.Host.SourcePath
}

// hostPaths reports whether a volume mounts a host path, which Fargate
// does not support.
func (in *registerTaskDefinitionIn) hostPaths() bool {
	for _, v := range in.Volumes {
		if v.sourcePath() != "" {
			return true
		}
	}
	return false
}

func (in *registerTaskDefinitionIn) volume(name string) *volume {
	for i := range in.Volumes {
		if in.Volumes[i].Name == name {
			return &in.Volumes[i]
		}
	}
	return nil
}

// checkVolumes applies RegisterTaskDefinition's checks of volumes and
// mount points, in ECS's words where they are known: one configuration
// type per volume, no host path on Fargate, an EFS file system ID,
// transit encryption with an access point or IAM authorization, and
// mount points that name a volume of the task definition.
func checkVolumes(in *registerTaskDefinitionIn) error {
	seen := map[string]bool{}
	fargate := contains(in.RequiresCompatibilities, "FARGATE")
	for _, v := range in.Volumes {
		if v.Name == "" {
			return clientErr("Volume name should not be null or empty.")
		}
		if seen[v.Name] {
			return clientErr("Duplicate volume name: %s", v.Name)
		}
		seen[v.Name] = true
		kinds := 0
		for _, set := range []bool{v.Host != nil, v.EFS != nil, v.DockerVolume != nil, v.FSxWindows != nil} {
			if set {
				kinds++
			}
		}
		if kinds > 1 {
			return clientErr("When the volume parameter is specified, only one volume configuration type should be used.")
		}
		if fargate && v.sourcePath() != "" {
			return clientErr("Fargate compatible task definitions do not support sourcePath")
		}
		if fargate && v.DockerVolume != nil {
			return clientErr("Fargate compatible task definitions do not support dockerVolumeConfiguration")
		}
		if v.EFS != nil {
			if err := checkEFS(v.EFS); err != nil {
				return err
			}
		}
	}
	for _, c := range in.ContainerDefinitions {
		for _, m := range c.MountPoints {
			if m.ContainerPath == "" {
				return clientErr("Container.mountPoints.containerPath should not be null or empty.")
			}
			if in.volume(m.SourceVolume) == nil {
				return clientErr("Unknown volume '%s'.", m.SourceVolume)
			}
		}
	}
	return nil
}

func checkEFS(e *efsVolume) error {
	if e.FileSystemID == "" {
		return clientErr("efsVolumeConfiguration.fileSystemId should not be null or empty.")
	}
	switch e.TransitEncryption {
	case "", "ENABLED", "DISABLED":
	default:
		return clientErr("Invalid transitEncryption: %s. Valid values are ENABLED and DISABLED.", e.TransitEncryption)
	}
	enabled := e.TransitEncryption == "ENABLED"
	if ap := e.accessPoint(); ap != "" {
		if !enabled {
			return clientErr("Transit encryption must be enabled when using an EFS access point.")
		}
		if e.RootDirectory != "" && e.RootDirectory != "/" {
			return clientErr("When using an EFS access point, the root directory must either be set to \"/\" or be omitted.")
		}
	}
	if a := e.AuthorizationConfig; a != nil {
		switch a.IAM {
		case "", "DISABLED":
		case "ENABLED":
			if !enabled {
				return clientErr("Transit encryption must be enabled when IAM authorization is used.")
			}
		default:
			return clientErr("Invalid iam: %s. Valid values are ENABLED and DISABLED.", a.IAM)
		}
	}
	if e.RootDirectory != "" && !strings.HasPrefix(e.RootDirectory, "/") {
		return clientErr("efsVolumeConfiguration.rootDirectory must be an absolute path: %s", e.RootDirectory)
	}
	return nil
}

// volumeName is the Docker volume of the task volume name.
func volumeName(t *task, name string) string {
	return fmt.Sprintf("sockerless-sim-%s-%s", t.id(), name)
}
