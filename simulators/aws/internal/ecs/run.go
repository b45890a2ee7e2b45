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
// checks the log configuration, sets up the volumes, starts the
// containers as their dependencies allow ([Service.supervise]), waits
// for an essential container to exit or for StopTask, stops the rest and
// releases the network and the volumes. ctx outlives the RunTask
// request. Each step happens when its work is done; there are no
// artificial delays.
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
	mounts, err := s.prepareVolumes(ctx, t)
	if err != nil {
		s.finish(ctx, t, "TaskFailedToStart", err.Error(), shippers)
		return
	}
	s.mu.Lock()
	t.PullStoppedAt = stamp(s.now())
	s.mu.Unlock()

	s.supervise(ctx, t, dir, mounts, shippers)
	s.finish(ctx, t, "", "", shippers)
}

// supervise starts each container once its dependencies meet their
// conditions and waits until every started container has exited. An
// essential container that exits, or that can never start, stops the
// task; StopTask stops every container, and the ones still waiting never
// start.
func (s *Service) supervise(ctx context.Context, t *task, dir string, mounts map[string][]dockerrt.Mount, shippers []*shipper) {
	exits := make(chan int, len(t.Containers))
	running := 0
	stopReq := t.stopReq
	for {
		if stopReq != nil {
			running += s.startReady(ctx, t, dir, mounts, shippers, exits)
		}
		s.markRunning(t)
		if running == 0 && stopReq == nil {
			return
		}
		select {
		case i := <-exits:
			running--
			s.exited(t, t.Containers[i])
		case <-stopReq:
			stopReq = nil
			go s.stopAll(t, 0)
		}
	}
}

// startReady starts, in definition order, every pending container whose
// dependencies are met, until no more can start, and returns how many
// processes it started (their exits are sent on exits). A container that
// cannot start fails the task.
func (s *Service) startReady(ctx context.Context, t *task, dir string, mounts map[string][]dockerrt.Mount, shippers []*shipper, exits chan<- int) int {
	started := 0
	for progress := true; progress; {
		progress = false
		for i, c := range t.Containers {
			s.mu.Lock()
			if t.DesiredStatus == "STOPPED" { // StopTask came before every container started
				s.mu.Unlock()
				return started
			}
			r, why := waiting, ""
			if c.LastStatus == "PENDING" {
				r, why = t.ready(c)
			}
			if r == blocked {
				s.neverStart(t, c, why)
				progress = true
			}
			s.mu.Unlock()
			if r != ready {
				continue
			}
			if err := s.startContainer(ctx, t, c, dir, mounts[c.Name], shippers[i]); err != nil {
				s.failStart(t, c, err)
				return started
			}
			progress = true
			if c.proc != nil {
				started++
				go func(i int, p workload) { <-p.Done(); exits <- i }(i, c.proc)
			}
		}
	}
	return started
}

// neverStart stops c, whose dependencies can never be met, as ECS's agent
// does: exit code 143 and the dependency error as its reason; an
// essential c stops the task. s.mu is held.
func (s *Service) neverStart(t *task, c *container, why string) {
	code := 143
	c.LastStatus, c.ExitCode, c.Reason = "STOPPED", &code, "CannotStartContainerError: "+why
	t.Version++
	if c.def.essential() {
		s.requestStop(t, "EssentialContainerExited", "Essential container in task exited")
	}
	s.saveTask(t)
}

// failStart records that c could not start and stops the task with
// TaskFailedToStart.
func (s *Service) failStart(t *task, c *container, err error) {
	reason := "CannotStartContainerError: " + err.Error()
	taskReason := "CannotStartContainerError: Error response from daemon: failed to create shim task: " + err.Error()
	if errors.Is(err, dockerrt.ErrPull) {
		// ECS's words for an image it cannot pull.
		reason = "CannotPullContainerError: " + err.Error()
		taskReason = reason
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.LastStatus, c.Reason = "STOPPED", reason
	s.requestStop(t, "TaskFailedToStart", taskReason)
	s.saveTask(t)
}

// requestStop sets t's desired status to STOPPED, unless something
// already did, and wakes its lifecycle. s.mu is held.
func (s *Service) requestStop(t *task, code, reason string) {
	if t.DesiredStatus == "STOPPED" {
		return
	}
	t.DesiredStatus, t.StopCode, t.StoppedReason = "STOPPED", code, reason
	t.StoppingAt = stamp(s.now())
	close(t.stopReq)
}

// exited records the exit of c; an essential container's exit stops the
// task.
func (s *Service) exited(t *task, c *container) {
	code := c.proc.ExitCode()
	s.mu.Lock()
	defer s.mu.Unlock()
	c.LastStatus, c.ExitCode = "STOPPED", &code
	t.Version++
	if c.def.essential() {
		s.requestStop(t, "EssentialContainerExited", "Essential container in task exited")
	}
	s.saveTask(t)
}

// markRunning moves t to RUNNING once every container has started (or
// stopped), as ECS derives a task's status from its containers'.
func (s *Service) markRunning(t *task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.LastStatus != "PENDING" || t.DesiredStatus == "STOPPED" {
		return
	}
	for _, c := range t.Containers {
		if c.LastStatus == "PENDING" {
			return
		}
	}
	now := s.now()
	t.set("RUNNING")
	t.StartedAt, t.ConnectivityAt, t.Connectivity = stamp(now), stamp(now), "CONNECTED"
	s.saveTask(t)
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
	if s.docker != nil {
		// Every container has exited and been removed: the task's
		// volumes go with it.
		_ = s.docker.RemoveVolumes(ctx, t.TaskArn)
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
func (s *Service) startContainer(ctx context.Context, t *task, c *container, dir string, mounts []dockerrt.Mount, sh *shipper) error {
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
		return s.startDocker(ctx, t, c, env, mounts, sh)
	}
	return s.startProcess(t, c, dir, env, sh)
}

// startDocker runs c as a Docker container from its image, with its
// entryPoint and command (the image's when absent), environment, working
// directory, memory and cpu. Pulling the image may take a while: s.mu is not
// held meanwhile.
func (s *Service) startDocker(ctx context.Context, t *task, c *container, env []string, mounts []dockerrt.Mount, sh *shipper) error {
	spec := dockerrt.Spec{Workload: t.TaskArn, Image: c.def.Image, Entrypoint: c.def.EntryPoint, Cmd: c.def.Command,
		Env: env, WorkingDir: c.def.WorkingDirectory, User: c.def.User, Mounts: mounts}
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
	c.LastStatus, c.RuntimeID, c.proc, c.started = "RUNNING", dc.ID(), dc, true
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
	c.LastStatus, c.RuntimeID, c.started = "RUNNING", t.id()+"-"+randomHex(4), true
	if len(argv) == 0 {
		return nil
	}
	cred, err := hostUser(c.def.User)
	if err != nil {
		return err
	}
	if cred != nil {
		// The container's user owns its directory, as a container's
		// user can write its home.
		if err := os.Chown(filepath.Join(dir, c.Name), int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
		if err := os.Chown(wd, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	spec := process.Spec{Argv: argv, Env: env, Dir: wd, Credential: cred}
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
