package engine

import (
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/sys/signal"

	"github.com/sockerless/sockerless/api/driver"
)

// defaultPath is the PATH dockerd gives processes whose environment has none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// mergeImage completes cfg with the image's configuration, following
// dockerd's merge: Env merged by key, labels merged, the image's Cmd used
// only when the request sets neither Entrypoint nor Cmd, and so on.
func mergeImage(cfg *container.Config, img dockerspec.DockerOCIImageConfig) {
	if cfg.User == "" {
		cfg.User = img.User
	}
	if len(img.ExposedPorts) > 0 {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = network.PortSet{}
		}
		for p := range img.ExposedPorts {
			if port, err := network.ParsePort(p); err == nil {
				cfg.ExposedPorts[port] = struct{}{}
			}
		}
	}
	if len(cfg.Env) == 0 {
		cfg.Env = slices.Clone(img.Env)
	} else {
		for _, ie := range img.Env {
			key, _, _ := strings.Cut(ie, "=")
			if !slices.ContainsFunc(cfg.Env, func(ue string) bool { k, _, _ := strings.Cut(ue, "="); return k == key }) {
				cfg.Env = append(cfg.Env, ie)
			}
		}
	}
	if cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	for k, v := range img.Labels {
		if _, ok := cfg.Labels[k]; !ok {
			cfg.Labels[k] = v
		}
	}
	if len(cfg.Entrypoint) == 0 {
		if len(cfg.Cmd) == 0 {
			cfg.Cmd = slices.Clone(img.Cmd)
		}
		if cfg.Entrypoint == nil {
			cfg.Entrypoint = slices.Clone(img.Entrypoint)
		}
	}
	// As dockerd's mergeAndVerifyConfig: Entrypoint [""] (--entrypoint "")
	// means no entrypoint, neither the image's nor an empty program name.
	if len(cfg.Entrypoint) == 1 && cfg.Entrypoint[0] == "" {
		cfg.Entrypoint = nil
	}
	if img.Healthcheck != nil {
		if cfg.Healthcheck == nil {
			hc := *img.Healthcheck
			cfg.Healthcheck = &hc
		} else {
			// As dockerd: unset fields of the request's check come from the image's.
			hc, ih := cfg.Healthcheck, img.Healthcheck
			if len(hc.Test) == 0 {
				hc.Test = slices.Clone(ih.Test)
			}
			if hc.Interval == 0 {
				hc.Interval = ih.Interval
			}
			if hc.Timeout == 0 {
				hc.Timeout = ih.Timeout
			}
			if hc.StartPeriod == 0 {
				hc.StartPeriod = ih.StartPeriod
			}
			if hc.StartInterval == 0 {
				hc.StartInterval = ih.StartInterval
			}
			if hc.Retries == 0 {
				hc.Retries = ih.Retries
			}
		}
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = img.WorkingDir
	}
	if len(img.Volumes) > 0 {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		maps.Copy(cfg.Volumes, img.Volumes)
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = img.StopSignal
	}
	if len(cfg.Shell) == 0 {
		cfg.Shell = slices.Clone(img.Shell)
	}
}

// validate checks a create request as dockerd's verifyContainerSettings.
func validate(cfg *container.Config, hc *container.HostConfig, cpus int) error {
	invalid := func(format string, a ...any) error {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, a...))
	}
	if cfg.WorkingDir != "" && !path.IsAbs(cfg.WorkingDir) {
		return invalid("the working directory '%s' is invalid, it needs to be an absolute path", cfg.WorkingDir)
	}
	if cfg.StopSignal != "" {
		if _, err := signal.ParseSignal(cfg.StopSignal); err != nil {
			return invalid("invalid signal: %s", cfg.StopSignal)
		}
	}
	if hc == nil {
		return nil
	}
	if err := container.ValidateRestartPolicy(hc.RestartPolicy); err != nil {
		return invalid("%s", err.Error())
	}
	if hc.AutoRemove && !hc.RestartPolicy.IsNone() && hc.RestartPolicy.Name != "" {
		return invalid("can't create 'AutoRemove' container with restart policy")
	}
	if err := validateResources(&hc.Resources, cpus); err != nil {
		return err
	}
	for _, bindings := range hc.PortBindings {
		for _, b := range bindings {
			if b.HostPort == "" {
				continue
			}
			if _, err := network.ParsePortRange(b.HostPort); err != nil {
				return invalid("invalid port specification: %q", b.HostPort)
			}
		}
	}
	return nil
}

// minMemory is dockerd's smallest memory limit (linuxMinMemory).
const minMemory = 6 * 1024 * 1024

// cpus is how many CPUs a container may be given: the driver's figure, or
// the host's.
func (e *Engine) cpus() int {
	if n := e.drv.Capabilities.CPUs; n > 0 {
		return n
	}
	return runtime.NumCPU()
}

// validateResources checks limits as dockerd's verifyPlatformContainerResources,
// with cpus CPUs available.
func validateResources(r *container.Resources, cpus int) error {
	invalid := func(format string, a ...any) error {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, a...))
	}
	if r.Memory != 0 && r.Memory < minMemory {
		return invalid("Minimum memory limit allowed is 6MB")
	}
	if r.Memory > 0 && r.MemorySwap > 0 && r.MemorySwap < r.Memory {
		return invalid("Minimum memoryswap limit should be larger than memory limit, see usage")
	}
	if r.MemoryReservation != 0 && r.MemoryReservation < minMemory {
		return invalid("Minimum memory reservation allowed is 6MB")
	}
	if r.Memory > 0 && r.MemoryReservation > 0 && r.Memory < r.MemoryReservation {
		return invalid("Minimum memory limit can not be less than memory reservation limit, see usage")
	}
	if r.NanoCPUs != 0 && (r.CPUPeriod != 0 || r.CPUQuota != 0) {
		return invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set")
	}
	if n := int64(cpus); r.NanoCPUs != 0 && (r.NanoCPUs < 1e7 || r.NanoCPUs > n*1e9) {
		return invalid("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", n, n)
	}
	if r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000) {
		return invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
	}
	if r.CPUQuota > 0 && r.CPUQuota < 1000 {
		return invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)")
	}
	if r.PidsLimit != nil && *r.PidsLimit < -1 {
		return invalid("invalid PIDs limit: %d", *r.PidsLimit)
	}
	return nil
}

// command resolves the process to run: Entrypoint then Cmd.
func command(cfg *container.Config) (string, []string, error) {
	argv := append(slices.Clone(cfg.Entrypoint), cfg.Cmd...)
	if len(argv) == 0 {
		return "", nil, errdefs.ErrInvalidArgument.WithMessage("no command specified")
	}
	return argv[0], argv[1:], nil
}

// processEnv is the environment of the container's processes: dockerd's
// PATH, HOSTNAME and (with a TTY) TERM defaults, overridden by Config.Env.
func processEnv(cfg *container.Config) []string {
	env := []string{"PATH=" + defaultPath, "HOSTNAME=" + cfg.Hostname}
	if cfg.Tty {
		env = append(env, "TERM=xterm")
	}
	return mergeEnv(env, cfg.Env)
}

// mergeEnv replaces or appends each of over in base, by key.
func mergeEnv(base, over []string) []string {
	out := slices.Clone(base)
	for _, kv := range over {
		key, _, _ := strings.Cut(kv, "=")
		i := slices.IndexFunc(out, func(s string) bool { k, _, _ := strings.Cut(s, "="); return k == key })
		if i >= 0 {
			out[i] = kv
		} else {
			out = append(out, kv)
		}
	}
	return out
}

// stopSignal is the container's stop signal, SIGTERM by default.
func stopSignal(cfg *container.Config) syscall.Signal {
	if cfg.StopSignal != "" {
		if s, err := signal.ParseSignal(cfg.StopSignal); err == nil {
			return s
		}
	}
	return syscall.SIGTERM
}

// spec builds the driver's view of container c.
func (e *Engine) spec(c *Container) driver.Spec {
	r := &c.rec
	return driver.Spec{
		ID: r.ID, Name: r.Name[1:], Hostname: r.Config.Hostname, Image: r.ImageID,
		Path: r.Path, Args: slices.Clone(r.Args), Env: processEnv(r.Config), WorkingDir: r.Config.WorkingDir,
		User: r.Config.User, TTY: r.Config.Tty, OpenStdin: r.Config.OpenStdin, StopSignal: stopSignal(r.Config),
		Labels: maps.Clone(r.Config.Labels), Mounts: driverMounts(r.Mounts), RootFS: e.rootFS(r.ID),
		ReadOnlyRoot: r.HostConfig != nil && r.HostConfig.ReadonlyRootfs, ImageRef: r.Config.Image,
		NanoCPUs: resources(r).NanoCPUs, Memory: resources(r).Memory, JoinsNetworkOf: joinsNetworkOf(r),
	}
}

// joinsNetworkOf is the container r joins the network namespace of.
func joinsNetworkOf(r *Record) string {
	if r.HostConfig == nil {
		return ""
	}
	target, _ := strings.CutPrefix(string(r.HostConfig.NetworkMode), "container:")
	if target == string(r.HostConfig.NetworkMode) {
		return ""
	}
	return target
}

// resources are c's HostConfig limits (none without a HostConfig).
func resources(r *Record) container.Resources {
	if r.HostConfig == nil {
		return container.Resources{}
	}
	return r.HostConfig.Resources
}

func (e *Engine) rootFS(id string) string { return path.Join(e.containerDir(id), "rootfs") }

func (e *Engine) logPath(id string) string { return path.Join(e.containerDir(id), id+"-json.log") }
