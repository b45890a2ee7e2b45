// Package dockerrt runs the simulator's workloads (ECS containers) as real
// Docker containers through a dockerd's Engine API
// (https://docs.docker.com/reference/api/engine/), with the moby client:
// the image is pulled when the daemon lacks it, the container is created
// with the workload's entrypoint, command, environment and working
// directory on the host network, its output is streamed to the caller's
// writers, its exit code is the container's, and it is removed once it
// has exited.
package dockerrt

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// ErrPull is wrapped by the errors of images the daemon cannot pull.
var ErrPull = errors.New("pull image")

// Label marks the containers the simulator made, with the ID of the
// workload (an ECS task ARN) as its value.
const Label = "sockerless-sim-aws.workload"

// Runtime creates containers on one dockerd.
type Runtime struct {
	cli *client.Client
	// registry is the simulator's own ECR registry (host:port); images
	// on it are pulled as ECR's AWS user with a password from password.
	registry string
	password func() string
}

// New connects to the dockerd at host (a DOCKER_HOST value: unix:///...,
// tcp://...) and checks that it answers. registry is the simulator's
// ECR registry address, password issues the passwords it accepts.
func New(ctx context.Context, host, registry string, password func() string) (*Runtime, error) {
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		return nil, fmt.Errorf("docker runtime: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		cli.Close()
		return nil, fmt.Errorf("docker runtime: dockerd at %s does not answer: %w", host, err)
	}
	return &Runtime{cli: cli, registry: registry, password: password}, nil
}

// Close releases the client's connections.
func (r *Runtime) Close() error { return r.cli.Close() }

// Spec is one container to run.
type Spec struct {
	// Workload is the ID of what the container belongs to (the [Label]).
	Workload string
	Image    string
	// Entrypoint and Cmd replace the image's when not nil.
	Entrypoint, Cmd []string
	Env             []string
	WorkingDir      string
	// User is the user (and group) the container runs as, "" for the
	// image's.
	User string
	// Memory is the hard memory limit in bytes (0: none).
	Memory int64
	// CPUShares is the container's relative CPU weight (0: Docker's).
	CPUShares int64
	// Stdin, when set, is the container's standard input, closed at
	// its end (a Lambda event).
	Stdin io.Reader
	// Stdout and Stderr receive the container's output (may be nil).
	Stdout, Stderr io.Writer
	// Mounts are the container's volumes and bind mounts.
	Mounts []Mount
}

// Container is a started container.
type Container struct {
	r    *Runtime
	ctx  context.Context // the container's life, without cancellation
	id   string
	done chan struct{}

	mu   sync.Mutex
	code int
}

// Start pulls spec.Image when the daemon does not have it, then creates
// and starts the container. ctx bounds the container's whole life (its
// output stream and the wait for its exit).
func (r *Runtime) Start(ctx context.Context, spec Spec) (*Container, error) {
	if err := r.ensureImage(ctx, spec.Image); err != nil {
		return nil, err
	}
	cfg := &container.Config{Image: spec.Image, Entrypoint: spec.Entrypoint, Cmd: spec.Cmd, Env: spec.Env,
		WorkingDir: spec.WorkingDir, User: spec.User, Labels: map[string]string{Label: spec.Workload}}
	if spec.Stdin != nil {
		cfg.OpenStdin, cfg.StdinOnce, cfg.AttachStdin, cfg.AttachStdout, cfg.AttachStderr = true, true, true, true, true
	}
	// The host network, as the process runtime: the ports the
	// simulator hands out (SOCKERLESS_SIM_PORT_*) are on the loopback.
	hc := &container.HostConfig{NetworkMode: "host"}
	hc.Memory, hc.CPUShares = spec.Memory, spec.CPUShares
	hc.Mounts = mounts(spec.Mounts)
	created, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hc})
	if err != nil {
		return nil, err
	}
	c := &Container{r: r, ctx: context.WithoutCancel(ctx), id: created.ID, done: make(chan struct{}), code: -1}
	wait := r.cli.ContainerWait(ctx, c.id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	var out io.ReadCloser
	if spec.Stdin != nil {
		// Attached before the start, so that no output is missed and
		// the input reaches the first read.
		att, err := r.cli.ContainerAttach(ctx, c.id, client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
		if err != nil {
			r.remove(ctx, c.id)
			return nil, err
		}
		go func() {
			_, _ = io.Copy(att.Conn, spec.Stdin)
			_ = att.CloseWrite()
		}()
		out = attached{att.HijackedResponse}
	}
	if _, err := r.cli.ContainerStart(ctx, c.id, client.ContainerStartOptions{}); err != nil {
		if out != nil {
			out.Close()
		}
		r.remove(ctx, c.id)
		return nil, err
	}
	if out == nil {
		logs, err := r.cli.ContainerLogs(ctx, c.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
		if err != nil {
			r.remove(ctx, c.id)
			return nil, err
		}
		out = logs
	}
	go c.run(ctx, wait, out, spec.Stdout, spec.Stderr)
	return c, nil
}

// attached reads a hijacked attach stream (stdcopy frames: the
// container has no TTY).
type attached struct{ client.HijackedResponse }

func (a attached) Read(p []byte) (int, error) { return a.Reader.Read(p) }

func (a attached) Close() error {
	a.HijackedResponse.Close()
	return nil
}

// run copies the output until the stream ends, records the exit code
// and removes the container.
func (c *Container) run(ctx context.Context, wait client.ContainerWaitResult, logs io.ReadCloser, stdout, stderr io.Writer) {
	defer close(c.done)
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = stdcopy.StdCopy(stdout, stderr, logs)
	}()
	code := -1
	select {
	case res := <-wait.Result:
		code = int(res.StatusCode)
	case <-wait.Error:
		// The daemon went away or ctx ended: ask what it knows.
		if in, err := c.r.cli.ContainerInspect(context.WithoutCancel(ctx), c.id, client.ContainerInspectOptions{}); err == nil &&
			in.Container.State != nil && !in.Container.State.Running {
			code = in.Container.State.ExitCode
		}
	}
	select {
	case <-copied:
	case <-time.After(5 * time.Second): // a stream that never ends
	}
	logs.Close()
	c.mu.Lock()
	c.code = code
	c.mu.Unlock()
	c.r.remove(context.WithoutCancel(ctx), c.id)
}

// ID is the container's ID.
func (c *Container) ID() string { return c.id }

// Done is closed when the container has exited and its output is copied.
func (c *Container) Done() <-chan struct{} { return c.done }

// ExitCode is the container's exit code once [Container.Done] is closed
// (-1 when the daemon could not tell).
func (c *Container) ExitCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code
}

// Stop asks dockerd to stop the container (SIGTERM, SIGKILL after grace)
// and waits for it to exit.
func (c *Container) Stop(grace time.Duration) {
	secs := int((grace + time.Second - 1) / time.Second)
	_, _ = c.r.cli.ContainerStop(c.ctx, c.id, client.ContainerStopOptions{Timeout: &secs})
	<-c.done
}

// Remove force-removes the container id (a leftover of an earlier run);
// an unknown container is not an error.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	_, err := r.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	if errdefs.IsNotFound(err) {
		return nil
	}
	return err
}

func (r *Runtime) remove(ctx context.Context, id string) { _ = r.Remove(ctx, id) }

// ensureImage pulls ref when the daemon does not have it. Images of the
// simulator's own registry are pulled as ECR's AWS user, with a fresh
// password.
func (r *Runtime) ensureImage(ctx context.Context, ref string) error {
	_, err := r.cli.ImageInspect(ctx, ref)
	if err == nil || !errdefs.IsNotFound(err) {
		return err
	}
	opts := client.ImagePullOptions{}
	if r.registry != "" && strings.HasPrefix(ref, r.registry+"/") {
		auth, _ := json.Marshal(map[string]string{"username": "AWS", "password": r.password(), "serveraddress": r.registry})
		opts.RegistryAuth = base64.URLEncoding.EncodeToString(auth)
	}
	resp, err := r.cli.ImagePull(ctx, ref, opts)
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrPull, ref, err)
	}
	defer resp.Close()
	if err := resp.Wait(ctx); err != nil {
		return fmt.Errorf("%w %s: %w", ErrPull, ref, err)
	}
	return nil
}
