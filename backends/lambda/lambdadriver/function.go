package lambdadriver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// functionName is container id's function: Lambda names are at most 64
// characters.
func functionName(id string) string { return "sockerless-" + id[:min(len(id), 48)] }

// createInput is the CreateFunction request of container spec: the image
// as is, the agent in reverse mode as the entrypoint, the container's
// command after it, and the agent's token in the environment (the agent
// removes it before the command starts).
//
// # Notes
//
// driver.Spec carries the image ID, not the reference the user gave
// (TODO(#6): Spec.ImageRef from the core).
func (d *Driver) createInput(spec driver.Spec) *lambda.CreateFunctionInput {
	ep := []string{d.cfg.AgentPath, "--callback", d.cfg.CallbackURL + "/internal/v1/agent/connect",
		"--linger", "5s", "--log-level", "error"}
	if spec.TTY {
		ep = append(ep, "--tty")
	}
	if spec.OpenStdin {
		ep = append(ep, "--stdin")
	}
	ep = append(ep, "--")
	var cmd []string
	if spec.Path != "" {
		cmd = append(cmd, spec.Path)
	}
	cmd = append(cmd, spec.Args...)
	vars := map[string]string{"SOCKERLESS_AGENT_TOKEN": d.tokens.Token(spec.ID), "SOCKERLESS_CONTAINER_ID": spec.ID}
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	ic := &types.ImageConfig{EntryPoint: ep, Command: cmd}
	if spec.WorkingDir != "" {
		ic.WorkingDirectory = aws.String(spec.WorkingDir)
	}
	return &lambda.CreateFunctionInput{
		FunctionName: aws.String(functionName(spec.ID)),
		PackageType:  types.PackageTypeImage,
		Code:         &types.FunctionCode{ImageUri: aws.String(imageURI(spec))},
		Role:         aws.String(d.cfg.Role),
		Timeout:      aws.Int32(int32(d.cfg.Timeout.Seconds())),
		MemorySize:   aws.Int32(memoryMB(spec.Memory, d.cfg.MemoryMB)),
		ImageConfig:  ic,
		Environment:  &types.Environment{Variables: vars},
		Tags:         map[string]string{"sockerless:container-id": spec.ID, "sockerless:container-name": spec.Name},
	}
}

// Create creates the container's function. A container recovered from
// disk is created again at its next start: the function then exists
// already and is updated instead.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	if len(spec.Mounts) > 0 {
		m := spec.Mounts[0]
		return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(
			"%s mounts are not supported by the lambda backend: a function has no host or Docker volumes (%s)", m.Type, m.Destination))
	}
	in := d.createInput(spec)
	_, err := d.lambda.CreateFunction(ctx, in)
	var conflict *types.ResourceConflictException
	if errors.As(err, &conflict) {
		_, err = d.lambda.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: in.FunctionName, Role: in.Role, Timeout: in.Timeout, MemorySize: in.MemorySize,
			ImageConfig: in.ImageConfig, Environment: in.Environment})
	}
	if err != nil {
		return fmt.Errorf("lambda backend: create function: %w", awsErr(err))
	}
	return nil
}

// Remove deletes the container's function.
func (d *Driver) Remove(ctx context.Context, id string) error {
	d.hub.Forget(id)
	_, err := d.lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(functionName(id))})
	var nf *types.ResourceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("lambda backend: delete function: %w", awsErr(err))
	}
	return nil
}

// imageURI is the function's image: the reference the user gave, else the
// image ID.
func imageURI(spec driver.Spec) string {
	if spec.ImageRef != "" {
		return spec.ImageRef
	}
	return spec.Image
}

// memoryMB is the function's memory in MB: the container's --memory within
// Lambda's 128–10 240 MB, else the backend's default.
func memoryMB(memory int64, def int32) int32 {
	if memory <= 0 {
		return def
	}
	mb := (memory + 1<<20 - 1) >> 20
	return int32(min(max(mb, 128), 10240))
}
