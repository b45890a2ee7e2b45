package ecsdriver

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// Create registers the container's task definition. A container recovered
// from disk is created again at its next start: the registration then adds
// a revision, which Remove deregisters with the others. A pod member's
// definition is also what its root's task copies its container from.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	in, err := d.taskDefinition(ctx, spec)
	if err != nil {
		return err
	}
	if _, err := d.ecs.RegisterTaskDefinition(ctx, in); err != nil {
		return fmt.Errorf("ecs backend: register task definition: %w", awsErr(err))
	}
	return nil
}

// Start runs the container's task and returns it; its output is copied
// from CloudWatch Logs to streams until it stops. A container with pod
// members runs them in the same task; a member already running in its
// root's task is followed there (see pod.go).
func (d *Driver) Start(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error) {
	at, joined, err := d.joined(ctx, spec)
	if err != nil {
		return nil, err
	}
	if joined {
		t := d.watch(spec.ID, spec.Name, at, streams, false)
		if _, err := t.awaitStart(ctx); err != nil {
			return nil, err
		}
		d.log.Info().Str("container_id", spec.ID).Str("task_arn", at.arn).Msg("pod member followed in its root's task")
		return t, nil
	}
	if spec.JoinsNetworkOf != "" {
		// A task's containers are fixed when it starts: a container
		// joining a running one runs as its own task in the same
		// subnets (act's docker:// steps join the job's container this
		// way and need only the shared volumes). It shares no localhost
		// with the other.
		d.log.Warn().Str("container_id", spec.ID).Str("joins", spec.JoinsNetworkOf).
			Msg("--network container: of a running container runs as its own task, without the other's localhost")
	}
	def := family(spec.ID)
	var members map[string]placement
	if len(spec.Members) > 0 {
		in, placed, err := d.podDefinition(ctx, spec)
		if err != nil {
			return nil, err
		}
		out, err := d.ecs.RegisterTaskDefinition(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ecs backend: register the pod's task definition: %w", awsErr(err))
		}
		def, members = aws.ToString(out.TaskDefinition.TaskDefinitionArn), placed
	}
	d.netMu.Lock()
	groups, err := d.nets.securityGroups(ctx, spec.ID)
	d.netMu.Unlock()
	if err != nil {
		return nil, err
	}
	in := &ecs.RunTaskInput{
		Cluster:        aws.String(d.cfg.Cluster),
		TaskDefinition: aws.String(def),
		LaunchType:     types.LaunchTypeFargate,
		StartedBy:      aws.String("sockerless"),
		Tags:           tags(spec),
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: d.cfg.Subnets, SecurityGroups: groups, AssignPublicIp: types.AssignPublicIpDisabled,
		}},
	}
	out, err := d.ecs.RunTask(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("ecs backend: run task: %w", awsErr(err))
	}
	if len(out.Tasks) == 0 {
		reason := "no task started"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return nil, errdefs.ErrUnavailable.WithMessage("ecs backend: run task: " + reason)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	at = placement{arn: arn, container: mainContainer, port: d.cfg.AgentPort}
	d.mu.Lock()
	d.tasks[spec.ID] = at
	for id, p := range members {
		p.arn = arn
		d.tasks[id] = p
	}
	d.mu.Unlock()
	t := d.watch(spec.ID, spec.Name, at, streams, false)
	tk, err := t.awaitStart(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.publish(ctx, spec.ID, spec.Name, tk); err != nil {
		// A container whose names cannot be found must not run as if
		// they could.
		_ = d.stopTask(context.WithoutCancel(ctx), spec.ID, "Stopped by sockerless: its names could not be published")
		return nil, err
	}
	d.log.Info().Str("container_id", spec.ID).Str("task_arn", arn).Int("pod_members", len(members)).Msg("task started")
	return t, nil
}

// Reattach finds the running task of a container that was running when
// the backend stopped, so that the core keeps it running instead of
// recording it as exited. Output already shipped is not copied again.
func (d *Driver) Reattach(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error) {
	at, err := d.findTask(ctx, spec.ID)
	if errdefs.IsNotFound(err) {
		// It stopped while the backend was down: its task still tells
		// how, which beats the 255 of a process that died with the daemon.
		at, err = d.lastStopped(ctx, spec.ID)
	}
	if err != nil {
		return nil, err
	}
	at.followed = true
	d.mu.Lock()
	d.tasks[spec.ID] = at
	d.mu.Unlock()
	return d.watch(spec.ID, spec.Name, at, streams, true), nil
}

// findTask returns where container id runs in a task ECS still runs: its
// own task, its pod's (as the root), or its pod root's (as a member).
func (d *Driver) findTask(ctx context.Context, id string) (placement, error) {
	d.mu.Lock()
	at, ok := d.tasks[id]
	d.mu.Unlock()
	if ok {
		return at, nil
	}
	for _, fam := range []string{family(id), podFamily(id)} {
		out, err := d.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(d.cfg.Cluster), Family: aws.String(fam)})
		if err != nil {
			return placement{}, fmt.Errorf("ecs backend: list tasks: %w", awsErr(err))
		}
		if len(out.TaskArns) > 0 {
			return placement{arn: out.TaskArns[0], container: mainContainer, port: d.cfg.AgentPort}, nil
		}
	}
	at, _, err := d.findMember(ctx, id, types.DesiredStatusRunning)
	return at, err
}

// lastStopped returns the most recently started of the tasks container id
// ran in that ECS still lists as stopped (about an hour on real ECS).
func (d *Driver) lastStopped(ctx context.Context, id string) (placement, error) {
	var arns []string
	for _, fam := range []string{family(id), podFamily(id)} {
		out, err := d.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(d.cfg.Cluster), Family: aws.String(fam),
			DesiredStatus: types.DesiredStatusStopped})
		if err != nil {
			return placement{}, fmt.Errorf("ecs backend: list tasks: %w", awsErr(err))
		}
		arns = append(arns, out.TaskArns...)
	}
	if len(arns) == 0 {
		at, _, err := d.findMember(ctx, id, types.DesiredStatusStopped)
		return at, err
	}
	last, err := d.newest(ctx, id, arns, func(types.Task) bool { return true })
	if err != nil {
		return placement{}, err
	}
	return placement{arn: aws.ToString(last.TaskArn), container: mainContainer, port: d.cfg.AgentPort}, nil
}

// describe returns the current state of task arn.
func (d *Driver) describe(ctx context.Context, arn string) (types.Task, error) {
	out, err := d.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(d.cfg.Cluster), Tasks: []string{arn}})
	if err != nil {
		return types.Task{}, fmt.Errorf("ecs backend: describe task: %w", awsErr(err))
	}
	if len(out.Tasks) == 0 {
		return types.Task{}, errdefs.ErrNotFound.WithMessage("ecs backend: task " + arn + " not found")
	}
	return out.Tasks[0], nil
}

// stopTask asks ECS to stop container id's task.
func (d *Driver) stopTask(ctx context.Context, id, reason string) error {
	d.mu.Lock()
	at, ok := d.tasks[id]
	d.mu.Unlock()
	if !ok {
		return errdefs.ErrNotFound.WithMessage("ecs backend: container " + id + " has no task")
	}
	_, err := d.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(d.cfg.Cluster), Task: aws.String(at.arn), Reason: aws.String(reason)})
	if err != nil {
		return fmt.Errorf("ecs backend: stop task: %w", awsErr(err))
	}
	return nil
}

// signal delivers sig to the main process through the agent. When the
// agent cannot be reached, SIGKILL, SIGTERM and SIGINT stop the task with
// StopTask (ECS's SIGTERM, then SIGKILL after the stop timeout), unless
// the container is a pod member: its task is its root's.
func (d *Driver) signal(ctx context.Context, id string, sig syscall.Signal) error {
	c, err := d.conn(ctx, id)
	if err == nil {
		if err = c.Signal(ctx, int(sig)); err == nil {
			return nil
		}
	}
	d.mu.Lock()
	at := d.tasks[id]
	d.mu.Unlock()
	if !at.member() && (sig == syscall.SIGKILL || sig == syscall.SIGTERM || sig == syscall.SIGINT) {
		d.log.Warn().Err(err).Str("container_id", id).Msg("agent unreachable, stopping the task")
		return d.stopTask(ctx, id, "Stopped by sockerless: the agent could not be reached")
	}
	return err
}

// Remove stops what may still run and deregisters every revision of the
// container's task definitions (its own and its pod's), so that nothing is
// left behind.
func (d *Driver) Remove(ctx context.Context, id string) error {
	if _, ok := d.unstarted(id); ok {
		// A pod member that was never started runs in its root's
		// task all the same: its process goes with it.
		if c, err := d.conn(ctx, id); err == nil {
			_ = c.Signal(ctx, int(syscall.SIGKILL))
		}
	}
	d.mu.Lock()
	at, ok := d.tasks[id]
	delete(d.tasks, id)
	d.mu.Unlock()
	if ok {
		d.forget(at)
	}
	d.netMu.Lock()
	delete(d.nets.eps, id)
	d.netMu.Unlock()
	var arns []string
	in := &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(family(id))}
	for {
		out, err := d.ecs.ListTaskDefinitions(ctx, in)
		if err != nil {
			return fmt.Errorf("ecs backend: list task definitions: %w", awsErr(err))
		}
		arns = append(arns, out.TaskDefinitionArns...)
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	var errs []error
	for _, arn := range arns {
		_, err := d.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if err != nil {
			errs = append(errs, fmt.Errorf("ecs backend: deregister %s: %w", arn, awsErr(err)))
		}
	}
	return errors.Join(errs...)
}
