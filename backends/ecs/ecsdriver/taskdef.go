package ecsdriver

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// Tag keys on task definitions and tasks.
const (
	tagID   = "sockerless:container-id"
	tagName = "sockerless:container-name"
)

// mainContainer is the name of the workload's container in the task.
const mainContainer = "main"

// family is the task definition family of container id.
func family(id string) string { return "sockerless-" + id }

// tags are the tags of container spec's task definition and tasks.
func tags(spec driver.Spec) []types.Tag {
	return []types.Tag{{Key: aws.String(tagID), Value: aws.String(spec.ID)}, {Key: aws.String(tagName), Value: aws.String(spec.Name)}}
}

// entryPoint wraps the container's command in the agent: forward mode on
// the agent port (or the port the simulator assigns it, see
// simulators/aws/internal/ecs/ports.go), serving the container's root.
func (d *Driver) entryPoint(spec driver.Spec) []string {
	agent := d.cfg.AgentPath
	if d.cfg.AgentImage != "" {
		agent = agentDir + "/sockerless-agent"
	}
	ep := []string{agent, "--listen", listenArg(d.cfg.AgentPort),
		"--linger", "5s", "--log-level", "error"}
	if spec.TTY {
		ep = append(ep, "--tty")
	}
	if spec.OpenStdin {
		ep = append(ep, "--stdin")
	}
	ep = append(ep, "--")
	if spec.Path != "" {
		ep = append(ep, spec.Path)
	}
	return append(ep, spec.Args...)
}

// taskDefinition is the task definition of container spec. The agent's
// token reaches it in the environment; the agent removes it from the
// workload's environment before the command starts.
//
// # Notes
//
// The image is the reference the user gave (the image ID when there is
// none); the task's size is the smallest Fargate size that holds the
// container's --cpus and --memory. Volumes are EFS access points (made
// here when new). With an agent image, an init container delivers the
// agent ([Driver.agentInit]).
func (d *Driver) taskDefinition(ctx context.Context, spec driver.Spec) (*ecs.RegisterTaskDefinitionInput, error) {
	// Docker's default hostname is the ID's first 12 digits; another was
	// asked for (--hostname), which awsvpc tasks cannot have.
	if spec.Hostname != "" && spec.Hostname != spec.ID[:min(12, len(spec.ID))] {
		return nil, errdefs.ErrNotImplemented.WithMessage("--hostname is not supported by the ecs backend: " +
			"an awsvpc task's hostname is its network interface's (asked for " + spec.Hostname + ")")
	}
	if img := imageOf(spec); byID(spec.Image, img) {
		return nil, errdefs.ErrNotImplemented.WithMessage("image " + img + " has no name the ecs backend can run: " +
			"a Fargate task pulls its image from a registry (a build's RUN steps, and images known only by ID, need a backend that runs local images); tag and push it")
	}
	vols, points, err := d.mounts(ctx, spec)
	if err != nil {
		return nil, err
	}
	env := []types.KeyValuePair{
		{Name: aws.String("SOCKERLESS_AGENT_TOKEN"), Value: aws.String(d.tokens.Token(spec.ID))},
		{Name: aws.String("SOCKERLESS_CONTAINER_ID"), Value: aws.String(spec.ID)},
	}
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		env = append(env, types.KeyValuePair{Name: aws.String(k), Value: aws.String(v)})
	}
	cpu, mem := fargateSize(spec.NanoCPUs, spec.Memory)
	port := int32(d.cfg.AgentPort)
	c := types.ContainerDefinition{
		Name:             aws.String(mainContainer),
		Image:            aws.String(imageOf(spec)),
		EntryPoint:       d.entryPoint(spec),
		Environment:      env,
		Essential:        aws.Bool(true),
		PortMappings:     []types.PortMapping{{ContainerPort: &port, Protocol: types.TransportProtocolTcp}},
		LogConfiguration: d.logConfig(spec),
		Interactive:      aws.Bool(spec.OpenStdin),
		PseudoTerminal:   aws.Bool(spec.TTY),
		DockerLabels:     spec.Labels,
	}
	if spec.WorkingDir != "" {
		c.WorkingDirectory = aws.String(spec.WorkingDir)
	}
	if spec.User != "" {
		c.User = aws.String(spec.User)
	}
	defs := []types.ContainerDefinition{c}
	if d.cfg.AgentImage != "" {
		vols = append(vols, types.Volume{Name: aws.String(agentVolume)})
		defs[0].MountPoints = append(points, types.MountPoint{SourceVolume: aws.String(agentVolume),
			ContainerPath: aws.String(agentDir), ReadOnly: aws.Bool(true)})
		defs[0].DependsOn = []types.ContainerDependency{{ContainerName: aws.String(agentContainer), Condition: types.ContainerConditionSuccess}}
		defs = append(defs, d.agentInit(spec))
	} else {
		defs[0].MountPoints = points
	}
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family(spec.ID)),
		ContainerDefinitions:    defs,
		Volumes:                 vols,
		NetworkMode:             types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String(cpu),
		Memory:                  aws.String(mem),
		ExecutionRoleArn:        aws.String(d.cfg.ExecutionRole),
		Tags:                    tags(spec),
	}, nil
}

// logConfig sends a container of spec's task to CloudWatch Logs (awslogs):
// stream <container ID>/<container name>/<task ID>.
func (d *Driver) logConfig(spec driver.Spec) *types.LogConfiguration {
	return &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
		"awslogs-group": d.cfg.LogGroup, "awslogs-region": d.cfg.Region, "awslogs-stream-prefix": spec.ID,
	}}
}

// logStream is the CloudWatch stream the awslogs driver writes container
// id to where it runs: prefix (the container's ID)/container/task-id.
func logStream(id string, at placement) string {
	return id + "/" + at.container + "/" + at.arn[strings.LastIndex(at.arn, "/")+1:]
}

// byID tells whether ref names image id by its ID (sha256:..., or a
// prefix of its hex digits) rather than by a name a registry knows.
func byID(id, ref string) bool {
	if strings.HasPrefix(ref, "sha256:") {
		return true
	}
	hex := strings.TrimPrefix(id, "sha256:")
	return ref != "" && strings.HasPrefix(hex, ref) && strings.Trim(ref, "0123456789abcdef") == ""
}

// imageOf is what the task runs: the reference the user gave, else the
// image ID.
func imageOf(spec driver.Spec) string {
	if spec.ImageRef != "" {
		return spec.ImageRef
	}
	return spec.Image
}
