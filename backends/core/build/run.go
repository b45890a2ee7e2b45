package build

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/engine"
)

// runStep is RUN: the command runs in a container of the stage's image,
// with the stage's ARGs in its environment, and the container's changes
// become the step's layer.
func (j *job) runStep(ctx context.Context, st *state, c *instructions.RunCommand) error {
	if len(c.FlagsUsed) > 0 {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("the --%s option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled", c.FlagsUsed[0]))
	}
	if len(c.Files) > 0 {
		return errdefs.ErrInvalidArgument.WithMessage("heredocs require BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
	}
	if st.imageID == "" {
		return errdefs.ErrInvalidArgument.WithMessage("a RUN step needs a base image: the stage starts FROM scratch")
	}
	argv := j.cmdLine(st, c.ShellDependantCmdLine)
	args := j.argEnv(st)
	var unshadowed []string
	for _, kv := range args {
		if k, _, _ := strings.Cut(kv, "="); !hasEnv(st.config.Env, k) {
			unshadowed = append(unshadowed, kv)
		}
	}
	// dockerd records the build args a RUN saw in its history: "|2 A=1 B=2 /bin/sh -c ...".
	createdBy := strings.Join(argv, " ")
	if len(unshadowed) > 0 {
		createdBy = "|" + strconv.Itoa(len(unshadowed)) + " " + strings.Join(unshadowed, " ") + " " + createdBy
	}
	if j.cached(ctx, st, st.config, createdBy) {
		return nil
	}
	cfg := containerConfig(st)
	cfg.Cmd, cfg.Entrypoint = argv, []string{}
	cfg.Env = append(cfg.Env, unshadowed...)
	// Proxy build args reach RUN undeclared, and stay out of the history,
	// as dockerd's BuiltinAllowedBuildArgs.
	for _, k := range slices.Sorted(maps.Keys(j.opts.BuildArgs)) {
		if v := j.opts.BuildArgs[k]; v != nil && builtinArg(k) && st.args[k] == nil && !hasEnv(cfg.Env, k) {
			cfg.Env = append(cfg.Env, k+"="+*v)
		}
	}
	id, err := j.create(ctx, cfg)
	if err != nil {
		return err
	}
	j.out.Stream(" ---> Running in " + shortID(id) + "\n")
	code, err := j.execute(ctx, id)
	if err != nil {
		// The build was cancelled or the container could not run: it
		// must not outlive the build, as dockerd kills it.
		j.remove(ctx, id)
		return err
	}
	if code != 0 {
		if j.opts.ForceRemove {
			j.remove(ctx, id)
		}
		return &ExitError{Cmd: argv, Code: code}
	}
	if err := j.commitContainer(ctx, st, id, createdBy); err != nil {
		return err
	}
	if j.opts.Remove || j.opts.ForceRemove {
		j.remove(ctx, id)
	}
	return nil
}

// containerConfig is the configuration of a build step's container.
func containerConfig(st *state) *container.Config {
	c := st.config
	return &container.Config{
		Image: st.imageID, User: c.User, Env: slices.Clone(c.Env), WorkingDir: c.WorkingDir,
		Shell: slices.Clone(c.Shell), Labels: map[string]string{},
		// Build containers run no health checks.
		Healthcheck: &container.HealthConfig{Test: []string{"NONE"}},
	}
}

func (j *job) create(ctx context.Context, cfg *container.Config) (string, error) {
	hc := &container.HostConfig{NetworkMode: container.NetworkMode(j.opts.NetworkMode)}
	resp, err := j.b.containers.Create(ctx, engine.CreateOptions{Config: cfg, HostConfig: hc})
	if err != nil {
		return "", err
	}
	return resp.ID, nil
}

// execute starts container id, streams its output and returns its exit code.
func (j *job) execute(ctx context.Context, id string) (int, error) {
	wait, err := j.b.containers.Wait(ctx, id, container.WaitConditionNextExit)
	if err != nil {
		return 0, err
	}
	if err := j.b.containers.Start(ctx, id); err != nil {
		return 0, err
	}
	_, logs, err := j.b.containers.Logs(ctx, id, engine.LogsOptions{Stdout: true, Stderr: true, Follow: true, Tail: -1})
	if err != nil {
		return 0, err
	}
	if err := logs(ctx, func(le driver.LogEntry) error { j.out.Stream(string(le.Data)); return nil }); err != nil {
		return 0, err
	}
	resp, err := wait(ctx)
	if err != nil {
		return 0, err
	}
	if resp.Error != nil && resp.Error.Message != "" && resp.StatusCode == 0 {
		return 0, errors.New(resp.Error.Message)
	}
	return int(resp.StatusCode), nil
}

func (j *job) remove(ctx context.Context, id string) {
	// As dockerd's containerManager, the container's anonymous volumes go too.
	if err := j.b.containers.Remove(context.WithoutCancel(ctx), id, engine.RemoveOptions{Force: true, RemoveVolumes: true}); err == nil {
		j.out.Stream(" ---> Removed intermediate container " + shortID(id) + "\n")
	}
}

// commitContainer commits container id's file system changes on st's
// image.
func (j *job) commitContainer(ctx context.Context, st *state, id, createdBy string) error {
	changes, err := j.b.containers.Changes(ctx, id)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(engine.WriteDiff(ctx, j.b.containers.GetArchive, id, changes, pw)) }()
	err = j.commit(ctx, st, st.config, createdBy, pr)
	pr.CloseWithError(errors.New("commit ended"))
	return err
}

// workdirStep is WORKDIR: the directory is created now, as dockerd does,
// so the step's layer holds it when the image lacked it.
func (j *job) workdirStep(ctx context.Context, st *state, c *instructions.WorkdirCommand) error {
	cfg := st.config
	cfg.WorkingDir = workdirPath(cfg.WorkingDir, c.Path)
	createdBy := strings.Join(append(shellOf(st), "#(nop) WORKDIR "+cfg.WorkingDir), " ")
	if j.cached(ctx, st, cfg, createdBy) {
		return nil
	}
	missing, err := j.missingDirs(ctx, st, cfg.WorkingDir)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range missing {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755})
	}
	tw.Close()
	return j.commit(ctx, st, cfg, createdBy, &buf)
}

// missingDirs are dir and those of its parents that st's image lacks,
// outermost first, relative to the root.
func (j *job) missingDirs(ctx context.Context, st *state, dir string) ([]string, error) {
	var missing []string
	p, err := j.probe(ctx, st)
	if err != nil {
		return nil, err
	}
	defer p.close(ctx)
	for d := path.Clean(dir); d != "/" && d != "."; d = path.Dir(d) {
		if _, ok, err := p.stat(ctx, d); err != nil {
			return nil, err
		} else if ok {
			break
		}
		missing = append([]string{cleanRel(d)}, missing...)
	}
	return missing, nil
}

// probe is a container of a stage's image that is never started: the
// builder reads the image's files through it (stat, /etc/passwd, COPY
// --from). A stage FROM scratch has none.
type probe struct {
	j  *job
	id string
}

func (j *job) probe(ctx context.Context, st *state) (*probe, error) {
	if st.imageID == "" {
		return &probe{j: j}, nil
	}
	return j.probeImage(ctx, st.imageID, st.config)
}

func (j *job) probeImage(ctx context.Context, imageID string, cfg dockerspec.DockerOCIImageConfig) (*probe, error) {
	c := containerConfig(&state{imageID: imageID, config: cfg})
	c.Cmd, c.Entrypoint = []string{"#(nop)"}, []string{}
	id, err := j.create(ctx, c)
	if err != nil {
		return nil, err
	}
	return &probe{j: j, id: id}, nil
}

func (p *probe) close(ctx context.Context) {
	if p.id != "" {
		p.j.b.containers.Remove(context.WithoutCancel(ctx), p.id, engine.RemoveOptions{Force: true, RemoveVolumes: true})
	}
}

// stat describes path in the image; ok is false when it does not exist.
func (p *probe) stat(ctx context.Context, name string) (driver.PathStat, bool, error) {
	if p.id == "" {
		return driver.PathStat{}, false, nil
	}
	s, err := p.j.b.containers.StatPath(ctx, p.id, name)
	if errdefs.IsNotFound(err) {
		return driver.PathStat{}, false, nil
	}
	return s, err == nil, err
}

// open returns a tar of path in the image, GetArchive's format.
func (p *probe) open(ctx context.Context, name string) (io.ReadCloser, error) {
	if p.id == "" {
		return nil, errdefs.ErrNotFound.WithMessage("no such file: " + name)
	}
	rc, _, err := p.j.b.containers.GetArchive(ctx, p.id, name)
	return rc, err
}
