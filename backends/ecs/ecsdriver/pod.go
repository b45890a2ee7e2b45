package ecsdriver

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// A pod — the containers that share one network namespace: a libpod pod,
// compose's `network_mode: service:x`, `docker create --network
// container:X` before X starts — runs as one ECS task. The container that
// owns the namespace (the root) is the task's essential `main` container;
// each member created before the root starts is a non-essential container
// of the same task, named [memberContainer], with its own agent on its own
// port (the task's containers share localhost). The members' processes
// start with the task; `docker start` of a member then follows its
// container in the running task instead of running a task of its own.
//
// A member created after the root started, or started again after its
// process ended, runs as a task of its own: a task's containers are fixed
// when it starts.

// maxTaskContainers is ECS's limit of containers per task definition.
const maxTaskContainers = 10

// placement is where a container runs: its task, the task's container
// that runs it, and the port its agent listens on.
type placement struct {
	arn       string
	container string
	port      int
	// followed is set once the container's own start follows it (a
	// pod member placed by its root, until then, was never started).
	followed bool
}

// member tells whether the container runs in another's task.
func (p placement) member() bool { return p.container != mainContainer }

// connKey names p's agent connection.
func (p placement) connKey() string { return p.arn + "#" + p.container }

// memberContainer is the name of pod member id's container in its root's
// task.
func memberContainer(id string) string { return "c-" + id }

// podFamily is the task definition family of the tasks that run container
// id with its pod's members. It extends [family], so that removing id
// deregisters it too.
func podFamily(id string) string { return family(id) + "-pod" }

// podDefinition is the task definition of root spec's task with its
// members: the root's own definition plus each member's `main` container
// (from the member's registered task definition), made non-essential, with
// its agent moved to its own port and its volumes renamed apart. The
// task's size holds the sum of theirs. It returns the placements of the
// members whose definitions were found (their task ARN still unknown).
func (d *Driver) podDefinition(ctx context.Context, spec driver.Spec) (*ecs.RegisterTaskDefinitionInput, map[string]placement, error) {
	in, err := d.taskDefinition(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	in.Family = aws.String(podFamily(spec.ID))
	cpu, mem := units(in.Cpu), units(in.Memory)
	placed := map[string]placement{}
	for _, id := range spec.Members {
		out, err := d.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family(id))})
		if err != nil {
			if errdefs.IsNotFound(awsErr(err)) {
				// Never registered (created before a backend
				// restart): it runs alone when started.
				d.log.Warn().Str("container_id", id).Str("pod", spec.ID).Msg("pod member has no task definition yet: left out of the pod's task")
				continue
			}
			return nil, nil, fmt.Errorf("ecs backend: describe the task definition of pod member %s: %w", id, awsErr(err))
		}
		td := out.TaskDefinition
		i := mainIndex(td.ContainerDefinitions)
		if i < 0 {
			continue
		}
		if len(in.ContainerDefinitions) == maxTaskContainers {
			return nil, nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
				"ecs backend: the pod of container %s has more containers than an ECS task holds (%d)", spec.ID, maxTaskContainers))
		}
		port := d.cfg.AgentPort + 1 + len(placed)
		c := td.ContainerDefinitions[i]
		c.Name = aws.String(memberContainer(id))
		c.Essential = aws.Bool(false)
		c.EntryPoint = withListen(c.EntryPoint, port)
		c.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(int32(port)), Protocol: types.TransportProtocolTcp}}
		renamed := map[string]string{}
		for _, v := range td.Volumes {
			if aws.ToString(v.Name) == agentVolume {
				continue // the root's delivers the agent to every container
			}
			name := "m" + strconv.Itoa(len(placed)) + "-" + aws.ToString(v.Name)
			renamed[aws.ToString(v.Name)] = name
			v.Name = aws.String(name)
			in.Volumes = append(in.Volumes, v)
		}
		for j, mp := range c.MountPoints {
			if name, ok := renamed[aws.ToString(mp.SourceVolume)]; ok {
				c.MountPoints[j].SourceVolume = aws.String(name)
			}
		}
		in.ContainerDefinitions = append(in.ContainerDefinitions, c)
		cpu, mem = cpu+units(td.Cpu), mem+units(td.Memory)
		placed[id] = placement{container: memberContainer(id), port: port}
	}
	c, m := fargateSize(cpu*1e9/1024, mem<<20)
	in.Cpu, in.Memory = aws.String(c), aws.String(m)
	return in, placed, nil
}

// units reads a task size ("256", "512").
func units(s *string) int64 {
	n, _ := strconv.ParseInt(aws.ToString(s), 10, 64)
	return n
}

// mainIndex is the index of the `main` container among defs, -1 if none.
func mainIndex(defs []types.ContainerDefinition) int {
	return slices.IndexFunc(defs, func(c types.ContainerDefinition) bool { return aws.ToString(c.Name) == mainContainer })
}

// withListen is entry point ep with the agent listening on port.
func withListen(ep []string, port int) []string {
	ep = slices.Clone(ep)
	if i := slices.Index(ep, "--listen"); i >= 0 && i+1 < len(ep) {
		ep[i+1] = listenArg(port)
	}
	return ep
}

// listenArg is the agent's --listen value for port: the port the
// simulator assigns when it does, else port itself.
func listenArg(port int) string {
	p := strconv.Itoa(port)
	return ":${SOCKERLESS_SIM_PORT_" + p + ":-" + p + "}"
}

// findMember looks for pod member id's container among the cluster's
// tasks of the given desired status (RUNNING or STOPPED), newest first:
// how a restarted backend finds a member again.
func (d *Driver) findMember(ctx context.Context, id string, status types.DesiredStatus) (placement, types.Task, error) {
	name := memberContainer(id)
	var arns []string
	in := &ecs.ListTasksInput{Cluster: aws.String(d.cfg.Cluster), DesiredStatus: status}
	for {
		out, err := d.ecs.ListTasks(ctx, in)
		if err != nil {
			return placement{}, types.Task{}, fmt.Errorf("ecs backend: list tasks: %w", awsErr(err))
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	tk, err := d.newest(ctx, id, arns, func(tk types.Task) bool { _, ok := containerOf(tk, name); return ok })
	if err != nil {
		return placement{}, types.Task{}, err
	}
	port, err := d.memberPort(ctx, aws.ToString(tk.TaskDefinitionArn), name)
	if err != nil {
		return placement{}, types.Task{}, err
	}
	return placement{arn: aws.ToString(tk.TaskArn), container: name, port: port}, tk, nil
}

// newest describes tasks arns, 100 at a time, and returns the most
// recently created of those keep accepts; NotFound names container id
// when there is none.
func (d *Driver) newest(ctx context.Context, id string, arns []string, keep func(types.Task) bool) (types.Task, error) {
	var best types.Task
	for batch := range slices.Chunk(arns, 100) {
		desc, err := d.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(d.cfg.Cluster), Tasks: batch})
		if err != nil {
			return types.Task{}, fmt.Errorf("ecs backend: describe tasks: %w", awsErr(err))
		}
		for _, tk := range desc.Tasks {
			if keep(tk) && (best.TaskArn == nil || aws.ToTime(tk.CreatedAt).After(aws.ToTime(best.CreatedAt))) {
				best = tk
			}
		}
	}
	if best.TaskArn == nil {
		return types.Task{}, errdefs.ErrNotFound.WithMessage("ecs backend: no task for container " + id)
	}
	return best, nil
}

// memberPort is the agent port of pod member container name in task
// definition arn: its port mapping.
func (d *Driver) memberPort(ctx context.Context, arn, name string) (int, error) {
	out, err := d.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		return 0, fmt.Errorf("ecs backend: describe task definition %s: %w", arn, awsErr(err))
	}
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		if aws.ToString(c.Name) == name && len(c.PortMappings) > 0 {
			return int(aws.ToInt32(c.PortMappings[0].ContainerPort)), nil
		}
	}
	return 0, errdefs.ErrNotFound.WithMessage("ecs backend: task definition " + arn + " has no agent port for " + name)
}

// joined reports whether container spec's first start finds it placed in
// its pod's task, and marks it followed. Its container there may already
// have stopped (a one-shot member, or a root that ended first): the
// watcher then reports how it ended, and it does not run twice. A member
// already followed is being started again: it runs as a task of its own.
// A member its root did not place in this life of the backend is looked
// for among the cluster's running tasks: a never-started member placed
// before a restart still runs there (one followed before the restart was
// re-placed by Reattach).
func (d *Driver) joined(ctx context.Context, spec driver.Spec) (placement, bool, error) {
	d.mu.Lock()
	at, ok := d.tasks[spec.ID]
	d.mu.Unlock()
	if !ok && spec.JoinsNetworkOf != "" {
		// Found here, the task was just described: it exists.
		if p, tk, err := d.findMember(ctx, spec.ID, types.DesiredStatusRunning); err == nil {
			if c, _ := containerOf(tk, p.container); aws.ToString(c.LastStatus) == "RUNNING" {
				p.followed = true
				d.mu.Lock()
				d.tasks[spec.ID] = p
				d.mu.Unlock()
				return p, true, nil
			}
		}
	}
	if !ok || !at.member() {
		return placement{}, false, nil
	}
	if at.followed {
		d.mu.Lock()
		delete(d.tasks, spec.ID)
		d.mu.Unlock()
		return placement{}, false, nil
	}
	if _, err := d.describe(ctx, at.arn); err != nil {
		if !errdefs.IsNotFound(err) {
			return placement{}, false, err
		}
		d.mu.Lock()
		delete(d.tasks, spec.ID)
		d.mu.Unlock()
		return placement{}, false, nil
	}
	at.followed = true
	d.mu.Lock()
	d.tasks[spec.ID] = at
	d.mu.Unlock()
	return at, true, nil
}

// unstarted reports where pod member id runs, placed there by its root
// but never started itself.
func (d *Driver) unstarted(id string) (placement, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.tasks[id]
	return at, ok && at.member() && !at.followed
}
