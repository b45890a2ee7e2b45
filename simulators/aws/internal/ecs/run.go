package ecs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/core/process"
)

// defaultStopTimeout is ECS's grace between SIGTERM and SIGKILL.
const defaultStopTimeout = 30 * time.Second

// runLifecycle drives t from PROVISIONING to STOPPED: it attaches the ENI,
// checks the log configuration, starts every container's process, waits
// for an essential container to exit or for StopTask, stops the rest and
// releases the network. ctx outlives the RunTask request. Each step happens when its work is done; there are
// no artificial delays.
func (s *Service) runLifecycle(ctx context.Context, t *task) {
	defer s.wg.Done()
	defer close(t.done)

	s.mu.Lock()
	s.attachENI(t)
	t.set("PENDING")
	t.PullStartedAt = stamp(s.now())
	s.saveTask(t)
	s.mu.Unlock()

	shippers, err := s.prepareLogs(t)
	if err != nil {
		s.finish(ctx, t, "TaskFailedToStart", err.Error(), shippers)
		return
	}
	dir, err := s.taskDir(t)
	if err != nil {
		s.finish(ctx, t, "TaskFailedToStart", "ResourceInitializationError: "+err.Error(), shippers)
		return
	}
	s.mu.Lock()
	t.PullStoppedAt = stamp(s.now())
	s.mu.Unlock()

	exits := make(chan int, len(t.Containers))
	for i, c := range t.Containers {
		s.mu.Lock()
		stopped := t.DesiredStatus == "STOPPED"
		s.mu.Unlock()
		if stopped { // StopTask came before every container started
			break
		}
		if err := s.startContainer(ctx, t, c, dir, shippers[i]); err != nil {
			reason := "CannotStartContainerError: " + err.Error()
			taskReason := "CannotStartContainerError: Error response from daemon: failed to create shim task: " + err.Error()
			if errors.Is(err, dockerrt.ErrPull) {
				// ECS's words for an image it cannot pull.
				reason = "CannotPullContainerError: " + err.Error()
				taskReason = reason
			}
			s.mu.Lock()
			c.LastStatus, c.Reason = "STOPPED", reason
			s.mu.Unlock()
			s.stopAll(t, time.Second)
			s.finish(ctx, t, "TaskFailedToStart", taskReason, shippers)
			return
		}
		if c.proc != nil {
			go func(i int, p workload) { <-p.Done(); exits <- i }(i, c.proc)
		}
	}
	s.mu.Lock()
	now := s.now()
	if t.DesiredStatus != "STOPPED" {
		t.set("RUNNING")
	}
	t.StartedAt, t.ConnectivityAt, t.Connectivity = stamp(now), stamp(now), "CONNECTED"
	s.saveTask(t)
	s.mu.Unlock()

	s.await(t, exits)
	s.finish(ctx, t, "", "", shippers)
}

// await waits until every container has stopped: an essential container's
// exit stops the task; StopTask stops every container.
func (s *Service) await(t *task, exits chan int) {
	running := 0
	for _, c := range t.Containers {
		if c.proc != nil {
			running++
		}
	}
	stopReq := t.stopReq
	for running > 0 || stopReq != nil {
		select {
		case i := <-exits:
			running--
			c := t.Containers[i]
			code := c.proc.ExitCode()
			s.mu.Lock()
			c.LastStatus, c.ExitCode = "STOPPED", &code
			t.Version++
			if c.def.essential() && t.DesiredStatus != "STOPPED" {
				t.DesiredStatus, t.StopCode = "STOPPED", "EssentialContainerExited"
				t.StoppedReason = "Essential container in task exited"
				t.StoppingAt = stamp(s.now())
				close(t.stopReq)
			}
			s.saveTask(t)
			s.mu.Unlock()
		case <-stopReq:
			stopReq = nil
			go s.stopAll(t, 0)
		}
	}
}

// stopAll stops every container still running, each with its own
// stopTimeout (grace, when not zero, caps it). Containers without a
// process stop at once.
func (s *Service) stopAll(t *task, grace time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range t.Containers {
		if c.proc == nil {
			c.LastStatus = "STOPPED"
			continue
		}
		timeout := defaultStopTimeout
		if c.def.StopTimeout != nil {
			timeout = time.Duration(*c.def.StopTimeout) * time.Second
		}
		if grace > 0 {
			timeout = min(timeout, grace)
		}
		go c.proc.Stop(timeout)
	}
}

// finish walks t through DEPROVISIONING to STOPPED. stopCode and reason,
// when set, explain a task that failed before it ran.
func (s *Service) finish(ctx context.Context, t *task, stopCode, reason string, shippers []*shipper) {
	for _, sh := range shippers {
		if sh != nil {
			sh.close()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if stopCode != "" {
		t.DesiredStatus, t.StopCode, t.StoppedReason = "STOPPED", stopCode, reason
		t.StoppingAt = stamp(now)
	}
	for _, c := range t.Containers {
		c.LastStatus = "STOPPED"
	}
	t.set("DEPROVISIONING")
	t.ExecutionStoppedAt = stamp(now)
	s.saveTask(t)
	s.deleteENI(ctx, t)
	for i := range t.Attachments {
		t.Attachments[i].Status = "DELETED"
	}
	t.set("STOPPED")
	t.StoppedAt = stamp(s.now())
	s.saveTask(t)
}

func (t *task) privateIP() string {
	for _, a := range t.Attachments {
		for _, d := range a.Details {
			if d.Name == "privateIPv4Address" {
				return d.Value
			}
		}
	}
	return "127.0.0.1"
}

func (t *task) id() string { return t.TaskArn[strings.LastIndex(t.TaskArn, "/")+1:] }

// taskDir makes the task's scratch directory, the root its containers'
// working directories are resolved under.
func (s *Service) taskDir(t *task) (string, error) {
	dir := filepath.Join(s.scratch, t.id())
	return dir, os.MkdirAll(dir, 0o755)
}

// startContainer starts c with the service's runtime: a Docker container
// from its image ([Service.startDocker]) or a host process.
func (s *Service) startContainer(ctx context.Context, t *task, c *container, dir string, sh *shipper) error {
	env := []string{
		"AWS_REGION=" + t.Region,
		"AWS_DEFAULT_REGION=" + t.Region,
		"AWS_EXECUTION_ENV=AWS_ECS_" + t.LaunchType,
	}
	for _, kv := range c.def.Environment {
		env = append(env, kv.Name+"="+kv.Value)
	}
	s.mu.Lock()
	ports, err := bindPorts(c)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	env = append(env, ports...)
	if s.docker != nil {
		return s.startDocker(ctx, t, c, env, sh)
	}
	return s.startProcess(t, c, dir, env, sh)
}

// startDocker runs c as a Docker container from its image, with its
// entryPoint and command (the image's when absent), environment, working
// directory, memory and cpu. Pulling the image may take a while: s.mu is not
// held meanwhile.
func (s *Service) startDocker(ctx context.Context, t *task, c *container, env []string, sh *shipper) error {
	spec := dockerrt.Spec{Workload: t.TaskArn, Image: c.def.Image, Entrypoint: c.def.EntryPoint, Cmd: c.def.Command,
		Env: env, WorkingDir: c.def.WorkingDirectory}
	// ECS maps a container's memory to Docker's Memory (MiB) and its cpu
	// units to CpuShares (Docker's minimum is 2).
	if c.def.Memory != nil {
		spec.Memory = int64(*c.def.Memory) << 20
	}
	if c.def.Cpu > 0 {
		spec.CPUShares = max(int64(c.def.Cpu), 2)
	}
	if sh != nil {
		spec.Stdout, spec.Stderr = sh.writer(), sh.writer()
	}
	dc, err := s.docker.Start(ctx, spec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.LastStatus, c.RuntimeID, c.proc = "RUNNING", dc.ID(), dc
	return nil
}

// startProcess starts c's process: entryPoint followed by command, run
// directly (no shell), in <task dir>/<container>/<workingDirectory>, with
// the host's PATH and env. A container with neither entryPoint nor
// command has nothing the process runtime can run; it stays RUNNING
// until the task stops.
func (s *Service) startProcess(t *task, c *container, dir string, env []string, sh *shipper) error {
	argv := append(append([]string{}, c.def.EntryPoint...), c.def.Command...)
	wd := filepath.Join(dir, c.Name, filepath.Clean("/"+c.def.WorkingDirectory))
	if err := os.MkdirAll(wd, 0o755); err != nil {
		return err
	}
	env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + wd,
		"HOSTNAME=ip-" + strings.ReplaceAll(t.privateIP(), ".", "-")}, env...)
	s.mu.Lock()
	defer s.mu.Unlock()
	c.LastStatus, c.RuntimeID = "RUNNING", t.id()+"-"+randomHex(4)
	if len(argv) == 0 {
		return nil
	}
	spec := process.Spec{Argv: argv, Env: env, Dir: wd}
	if sh != nil {
		spec.Stdout, spec.Stderr = sh.writer(), sh.writer()
	}
	p, err := process.Start(spec)
	if err != nil {
		return err
	}
	c.proc = p
	return nil
}
