package build

import (
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/sys/signal"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// from starts a stage: its base is an earlier stage, scratch, or an image
// of the store (pulled when missing or with --pull). The base image's
// ONBUILD triggers run first, as dockerd runs them.
func (j *job) from(ctx context.Context, s *instructions.Stage) (*state, error) {
	env := j.metaEnv()
	base, _, err := j.lex.ProcessWord(s.BaseName, shell.EnvsFromSlice(env))
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	platform, _, err := j.lex.ProcessWord(s.Platform, shell.EnvsFromSlice(env))
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if platform == "" {
		platform = j.opts.Platform
	}
	st := &state{args: map[string]*string{}}
	if base == "" {
		return nil, errdefs.ErrInvalidArgument.WithMessage("base name (" + s.BaseName + ") should not be blank")
	}
	if strings.EqualFold(base, "scratch") {
		return st, nil
	}
	img, err := j.baseImage(ctx, base, platform, j.opts.Pull)
	if err != nil {
		return nil, err
	}
	st.imageID, st.config, st.author = img.ID, img.Config.Config, img.Config.Author
	triggers := st.config.OnBuild
	st.config.OnBuild = nil
	if len(triggers) > 0 {
		plural := "s"
		if len(triggers) == 1 {
			plural = ""
		}
		j.out.Stream(fmt.Sprintf("# Executing %d build trigger%s\n", len(triggers), plural))
	}
	for _, t := range triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		for _, n := range res.AST.Children {
			cmd, err := instructions.ParseCommand(n)
			if err != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
			if err := j.dispatch(ctx, st, cmd); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// baseImage resolves name to an earlier stage's image, or an image of the
// store, pulling it when missing (or always with pull).
func (j *job) baseImage(ctx context.Context, name, platform string, pull bool) (imagestore.Image, error) {
	for _, r := range slices.Backward(j.results) {
		if r.name != "" && r.name == strings.ToLower(name) {
			return j.b.images.Resolve(ctx, r.id)
		}
	}
	if !pull {
		img, err := j.b.images.Resolve(ctx, name)
		if err == nil || !errdefs.IsNotFound(err) {
			return img, err
		}
	}
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return imagestore.Image{}, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	var opts imagestore.PullOptions
	if platform != "" {
		if opts.Platform, err = imagestore.ParsePlatform(platform); err != nil {
			return imagestore.Image{}, err
		}
	}
	opts.Auth = j.opts.Auth[reference.Domain(ref)]
	return j.b.images.Pull(ctx, ref, opts, j.out.Progress)
}

// dispatch runs one instruction on st.
func (j *job) dispatch(ctx context.Context, st *state, cmd instructions.Command) error {
	if e, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		if err := e.Expand(j.expander(st)); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	cfg := st.config
	switch c := cmd.(type) {
	case *instructions.RunCommand:
		return j.runStep(ctx, st, c)
	case *instructions.CopyCommand:
		return j.copyStep(ctx, st, copyRequest{name: "COPY", sd: c.SourcesAndDest, from: c.From, chown: c.Chown,
			chmod: c.Chmod, parents: c.Parents, excludes: c.ExcludePatterns})
	case *instructions.AddCommand:
		if c.Checksum != "" || c.KeepGitDir != nil {
			return errdefs.ErrInvalidArgument.WithMessage("the --checksum and --keep-git-dir options require BuildKit")
		}
		return j.copyStep(ctx, st, copyRequest{name: "ADD", add: true, sd: c.SourcesAndDest, chown: c.Chown,
			chmod: c.Chmod, excludes: c.ExcludePatterns})
	case *instructions.WorkdirCommand:
		return j.workdirStep(ctx, st, c)
	case *instructions.EnvCommand:
		msg := "ENV"
		for _, kv := range c.Env {
			cfg.Env = setEnv(cfg.Env, kv.Key, kv.Value)
			msg += " " + kv.Key + "=" + kv.Value
		}
		return j.commitConfig(ctx, st, cfg, msg)
	case *instructions.LabelCommand:
		msg := "LABEL"
		cfg.Labels = maps.Clone(cfg.Labels)
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, kv := range c.Labels {
			cfg.Labels[kv.Key] = kv.Value
			msg += " " + kv.Key + "=" + kv.Value
		}
		return j.commitConfig(ctx, st, cfg, msg)
	case *instructions.MaintainerCommand:
		st.author = c.Maintainer
		return j.commitConfig(ctx, st, cfg, "MAINTAINER "+c.Maintainer)
	case *instructions.CmdCommand:
		cfg.Cmd = j.cmdLine(st, c.ShellDependantCmdLine)
		st.cmdSet = true
		return j.commitConfig(ctx, st, cfg, fmt.Sprintf("CMD %q", cfg.Cmd))
	case *instructions.EntrypointCommand:
		cfg.Entrypoint = j.cmdLine(st, c.ShellDependantCmdLine)
		if !st.cmdSet {
			cfg.Cmd = nil
		}
		return j.commitConfig(ctx, st, cfg, fmt.Sprintf("ENTRYPOINT %q", cfg.Entrypoint))
	case *instructions.UserCommand:
		cfg.User = c.User
		return j.commitConfig(ctx, st, cfg, "USER "+c.User)
	case *instructions.ExposeCommand:
		return j.expose(ctx, st, c)
	case *instructions.VolumeCommand:
		cfg.Volumes = maps.Clone(cfg.Volumes)
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range c.Volumes {
			if strings.TrimSpace(v) == "" {
				return errdefs.ErrInvalidArgument.WithMessage("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
		return j.commitConfig(ctx, st, cfg, fmt.Sprintf("VOLUME %v", c.Volumes))
	case *instructions.StopSignalCommand:
		if _, err := signal.ParseSignal(c.Signal); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		cfg.StopSignal = c.Signal
		return j.commitConfig(ctx, st, cfg, "STOPSIGNAL "+c.Signal)
	case *instructions.HealthCheckCommand:
		hc := *c.Health
		cfg.Healthcheck = &hc
		// dockerd formats its *container.HealthConfig with %q.
		return j.commitConfig(ctx, st, cfg, fmt.Sprintf("HEALTHCHECK &{%q %q %q %q %q %q}", hc.Test,
			hc.Interval, hc.Timeout, hc.StartPeriod, hc.StartInterval, rune(hc.Retries)))
	case *instructions.ShellCommand:
		cfg.Shell = slices.Clone(c.Shell)
		return j.commitConfig(ctx, st, cfg, fmt.Sprintf("SHELL %v", c.Shell))
	case *instructions.OnbuildCommand:
		cfg.OnBuild = append(slices.Clone(cfg.OnBuild), c.Expression)
		return j.commitConfig(ctx, st, cfg, "ONBUILD "+c.Expression)
	case *instructions.ArgCommand:
		return j.arg(ctx, st, c)
	}
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s is not supported by the classic builder", strings.ToUpper(cmd.Name())))
}

// arg declares the stage's ARGs. A meta ARG's value is inherited when
// the stage's ARG has no default, as dockerd does.
func (j *job) arg(ctx context.Context, st *state, c *instructions.ArgCommand) error {
	var parts []string
	for _, kv := range c.Args {
		v, err := j.argValue(kv, j.env(st))
		if err != nil {
			return err
		}
		if v == nil {
			v = j.metaArgs[kv.Key]
		}
		st.args[kv.Key] = v
		if kv.Value != nil {
			parts = append(parts, kv.Key+"="+*kv.Value)
		} else {
			parts = append(parts, kv.Key)
		}
	}
	return j.commitConfig(ctx, st, st.config, "ARG "+strings.Join(parts, " "))
}

// expose adds ports ("80", "80/udp", "8000-8002/tcp") as dockerd's
// nat.ParsePortSpecs. It is the one instruction whose variables expand to
// several words ("EXPOSE $PORTS"); the history lists the words sorted.
func (j *job) expose(ctx context.Context, st *state, c *instructions.ExposeCommand) error {
	cfg := st.config
	cfg.ExposedPorts = maps.Clone(cfg.ExposedPorts)
	if cfg.ExposedPorts == nil {
		cfg.ExposedPorts = map[string]struct{}{}
	}
	var words []string
	for _, p := range c.Ports {
		ws, err := j.lex.ProcessWords(p, shell.EnvsFromSlice(j.env(st)))
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		words = append(words, ws...)
	}
	for _, w := range words {
		ports, err := parsePorts(w)
		if err != nil {
			return err
		}
		for _, port := range ports {
			cfg.ExposedPorts[port] = struct{}{}
		}
	}
	sort.Strings(words)
	return j.commitConfig(ctx, st, cfg, "EXPOSE "+strings.Join(words, " "))
}

// parsePorts expands one EXPOSE word into "port/proto" keys.
func parsePorts(s string) ([]string, error) {
	bad := errdefs.ErrInvalidArgument.WithMessage("invalid containerPort: " + s)
	rng, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	switch strings.ToLower(proto) {
	case "tcp", "udp", "sctp":
	default:
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid proto: " + proto)
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	if !isRange {
		hi = lo
	}
	a, err1 := strconv.ParseUint(lo, 10, 16)
	b, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil || b < a || b-a > 65535 {
		return nil, bad
	}
	var out []string
	for p := a; p <= b; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+strings.ToLower(proto))
	}
	return out, nil
}

// cmdLine is CMD/ENTRYPOINT/RUN's argv: exec form as written, shell form
// run by the stage's SHELL.
func (j *job) cmdLine(st *state, c instructions.ShellDependantCmdLine) []string {
	if !c.PrependShell {
		return slices.Clone(c.CmdLine)
	}
	return append(shellOf(st), strings.Join(c.CmdLine, " "))
}

func shellOf(st *state) []string {
	if len(st.config.Shell) > 0 {
		return slices.Clone(st.config.Shell)
	}
	return []string{"/bin/sh", "-c"}
}

// expander substitutes $VAR and ${VAR} with the stage's environment:
// ENV values first, then ARG values.
func (j *job) expander(st *state) instructions.SingleWordExpander {
	env := shell.EnvsFromSlice(j.env(st))
	return func(word string) (string, error) {
		s, _, err := j.lex.ProcessWord(word, env)
		return s, err
	}
}

// env is the expansion environment: the stage's ARGs overridden by its ENV.
func (j *job) env(st *state) []string {
	out := slices.Clone(st.config.Env)
	for _, kv := range j.argEnv(st) {
		k, _, _ := strings.Cut(kv, "=")
		if !hasEnv(st.config.Env, k) {
			out = append(out, kv)
		}
	}
	return out
}

// argEnv are the declared ARGs that have a value, sorted, "k=v".
func (j *job) argEnv(st *state) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(st.args)) {
		if v := st.args[k]; v != nil {
			out = append(out, k+"="+*v)
		}
	}
	return out
}

func hasEnv(env []string, key string) bool {
	return slices.ContainsFunc(env, func(kv string) bool { k, _, _ := strings.Cut(kv, "="); return k == key })
}

// setEnv replaces or appends key in env.
func setEnv(env []string, key, value string) []string {
	out := slices.Clone(env)
	for i, kv := range out {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			out[i] = key + "=" + value
			return out
		}
	}
	return append(out, key+"="+value)
}

// workdirPath resolves a WORKDIR against the current one.
func workdirPath(cur, p string) string {
	if !path.IsAbs(p) {
		if cur == "" {
			cur = "/"
		}
		p = path.Join(cur, p)
	}
	return path.Clean(p)
}
