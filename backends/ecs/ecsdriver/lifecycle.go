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
// a revision, which Remove deregisters with the others.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	if spec.JoinsNetworkOf != "" {
		// A task's containers are fixed when it starts: the container
		// runs as its own task in the same subnets (act's docker://
		// steps join the job's container this way and need only the
		// shared volumes). It shares no localhost with the other.
		d.log.Warn().Str("container_id", spec.ID).Str("joins", spec.JoinsNetworkOf).
			Msg("--network container: runs as its own task, without the other's localhost")
	}
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
// from CloudWatch Logs to streams until it stops.
func (d *Driver) Start(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error) {
	d.netMu.Lock()
	groups, err := d.nets.securityGroups(ctx, spec.ID)
	d.netMu.Unlock()
	if err != nil {
		return nil, err
	}
	in := &ecs.RunTaskInput{
		Cluster:        aws.String(d.cfg.Cluster),
		TaskDefinition: aws.String(family(spec.ID)),
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
	d.mu.Lock()
	d.tasks[spec.ID] = arn
	d.mu.Unlock()
	t := d.watch(spec.ID, spec.Name, arn, streams, false)
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
	d.log.Info().Str("container_id", spec.ID).Str("task_arn", arn).Msg("task started")
	return t, nil
}

// Reattach finds the running task of a container that was running when
// the backend stopped, so that the core keeps it running instead of
// recording it as exited. Output already shipped is not copied again.
func (d *Driver) Reattach(ctx context.Context, spec driver.Spec, streams driver.Streams) (driver.Task, error) {
	arn, err := d.findTask(ctx, spec.ID)
	if errdefs.IsNotFound(err) {
		// It stopped while the backend was down: its task still tells
		// how, which beats the 255 of a process that died with the daemon.
		arn, err = d.lastStopped(ctx, spec.ID)
	}
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.tasks[spec.ID] = arn
	d.mu.Unlock()
	return d.watch(spec.ID, spec.Name, arn, streams, true), nil
}

// findTask returns the ARN of container id's task that ECS still runs.
func (d *Driver) findTask(ctx context.Context, id string) (string, error) {
	d.mu.Lock()
	arn := d.tasks[id]
	d.mu.Unlock()
	if arn != "" {
		return arn, nil
	}
	out, err := d.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(d.cfg.Cluster), Family: aws.String(family(id))})
	if err != nil {
		return "", fmt.Errorf("ecs backend: list tasks: %w", awsErr(err))
	}
	if len(out.TaskArns) == 0 {
		return "", errdefs.ErrNotFound.WithMessage("ecs backend: no running task for container " + id)
	}
	return out.TaskArns[0], nil
}

// lastStopped returns the ARN of container id's most recently started
// task among those ECS still lists as stopped (about an hour on real ECS).
func (d *Driver) lastStopped(ctx context.Context, id string) (string, error) {
	out, err := d.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(d.cfg.Cluster), Family: aws.String(family(id)),
		DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		return "", fmt.Errorf("ecs backend: list tasks: %w", awsErr(err))
	}
	if len(out.TaskArns) == 0 {
		return "", errdefs.ErrNotFound.WithMessage("ecs backend: no task for container " + id)
	}
	desc, err := d.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(d.cfg.Cluster), Tasks: out.TaskArns})
	if err != nil {
		return "", fmt.Errorf("ecs backend: describe tasks: %w", awsErr(err))
	}
	var last types.Task
	for _, tk := range desc.Tasks {
		if last.TaskArn == nil || aws.ToTime(tk.CreatedAt).After(aws.ToTime(last.CreatedAt)) {
			last = tk
		}
	}
	if last.TaskArn == nil {
		return "", errdefs.ErrNotFound.WithMessage("ecs backend: no task for container " + id)
	}
	return aws.ToString(last.TaskArn), nil
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
	arn := d.tasks[id]
	d.mu.Unlock()
	if arn == "" {
		return errdefs.ErrNotFound.WithMessage("ecs backend: container " + id + " has no task")
	}
	_, err := d.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(d.cfg.Cluster), Task: aws.String(arn), Reason: aws.String(reason)})
	if err != nil {
		return fmt.Errorf("ecs backend: stop task: %w", awsErr(err))
	}
	return nil
}

// signal delivers sig to the main process through the agent. When the
// agent cannot be reached, SIGKILL, SIGTERM and SIGINT stop the task with
// StopTask (ECS's SIGTERM, then SIGKILL after the stop timeout).
func (d *Driver) signal(ctx context.Context, id string, sig syscall.Signal) error {
	c, err := d.conn(ctx, id)
	if err == nil {
		if err = c.Signal(ctx, int(sig)); err == nil {
			return nil
		}
	}
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM || sig == syscall.SIGINT {
		d.log.Warn().Err(err).Str("container_id", id).Msg("agent unreachable, stopping the task")
		return d.stopTask(ctx, id, "Stopped by sockerless: the agent could not be reached")
	}
	return err
}

// Remove stops what may still run and deregisters every revision of the
// container's task definition, so that nothing is left behind.
func (d *Driver) Remove(ctx context.Context, id string) error {
	d.mu.Lock()
	arn := d.tasks[id]
	delete(d.tasks, id)
	d.mu.Unlock()
	d.forget(arn)
	d.netMu.Lock()
	delete(d.nets.eps, id)
	d.netMu.Unlock()
	out, err := d.ecs.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(family(id))})
	if err != nil {
		return fmt.Errorf("ecs backend: list task definitions: %w", awsErr(err))
	}
	var errs []error
	for _, arn := range out.TaskDefinitionArns {
		_, err := d.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if err != nil {
			errs = append(errs, fmt.Errorf("ecs backend: deregister %s: %w", arn, awsErr(err)))
		}
	}
	return errors.Join(errs...)
}
