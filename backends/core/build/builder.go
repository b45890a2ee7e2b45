package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Output receives a build's progress, in the order dockerd writes it.
type Output interface {
	// Stream is text for the terminal ({"stream": text}).
	Stream(text string)
	// Aux reports a stage's image ID ({"aux": {"ID": id}}).
	Aux(id string)
	// Progress is a base image pull's progress.
	Progress(p imagestore.Progress)
}

// ExitError is a RUN step whose command failed: the build fails with
// dockerd's message and the command's exit code, which the docker CLI
// exits with.
type ExitError struct {
	Cmd  []string
	Code int
}

// Error is dockerd's message for a failed RUN.
func (e *ExitError) Error() string {
	return fmt.Sprintf("The command '%s' returned a non-zero code: %d", strings.Join(e.Cmd, " "), e.Code)
}

// Build runs a build of the context tar r and tags the result.
func (b *Builder) Build(ctx context.Context, r io.Reader, opts Options, out Output) (Result, error) {
	if opts.Dockerfile == "" {
		opts.Dockerfile = "Dockerfile"
	}
	var tags []reference.NamedTagged
	for _, t := range opts.Tags {
		named, err := imagestore.ParseTag(t)
		if err != nil {
			return Result{}, err
		}
		tags = append(tags, named)
	}
	bc, err := extractContext(ctx, b.tmp, r, opts.Dockerfile)
	if err != nil {
		return Result{}, err
	}
	defer bc.close()
	df, err := bc.readFile(opts.Dockerfile)
	if errors.Is(err, fs.ErrNotExist) {
		return Result{}, errdefs.ErrInvalidArgument.WithMessage("Cannot locate specified Dockerfile: " + opts.Dockerfile)
	}
	if err != nil {
		return Result{}, errdefs.ErrInvalidArgument.WithMessage("failed to read the Dockerfile: " + err.Error())
	}
	stages, metaArgs, escape, err := parseDockerfile(df)
	if err != nil {
		return Result{}, err
	}
	if opts.Target != "" {
		i, ok := instructions.HasStage(stages, opts.Target)
		if !ok {
			return Result{}, errdefs.ErrInvalidArgument.WithMessage("failed to reach build target " + opts.Target + " in Dockerfile")
		}
		stages = stages[:i+1]
	}
	addLabels(opts.Labels, stages)
	j := &job{b: b, opts: opts, out: out, ctx: bc, lex: shell.NewLex(escape), used: map[string]bool{}}
	for _, ref := range opts.CacheFrom {
		// As dockerd, a --cache-from image that is not here is skipped.
		if img, err := b.images.Resolve(ctx, ref); err == nil {
			j.cacheFrom = append(j.cacheFrom, img)
		}
	}
	id, err := j.run(ctx, stages, metaArgs)
	if err != nil {
		return Result{}, err
	}
	out.Stream("Successfully built " + shortID(id) + "\n")
	for _, t := range tags {
		if err := b.images.Tag(ctx, id, t.String()); err != nil {
			return Result{}, err
		}
		out.Stream("Successfully tagged " + reference.FamiliarString(t) + "\n")
	}
	return Result{ID: id}, nil
}

// parseDockerfile parses df into its stages and the ARGs before the first
// FROM, as dockerd's classic builder does.
func parseDockerfile(df []byte) ([]instructions.Stage, []instructions.ArgCommand, rune, error) {
	res, err := parser.Parse(bytes.NewReader(df))
	if err != nil {
		return nil, nil, 0, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, nil, 0, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if len(stages) == 0 {
		return nil, nil, 0, errdefs.ErrInvalidArgument.WithMessage("file with no instructions")
	}
	return stages, metaArgs, res.EscapeToken, nil
}

// addLabels adds the --label values to the last stage as LABEL
// instructions, sorted, as dockerd's buildLabelOptions.
func addLabels(labels map[string]string, stages []instructions.Stage) {
	keys := slices.Sorted(maps.Keys(labels))
	last := &stages[len(stages)-1]
	for _, k := range keys {
		last.AddCommand(instructions.NewLabelCommand(k, labels[k], true))
	}
}

// job is one build in progress.
type job struct {
	b    *Builder
	opts Options
	out  Output
	ctx  *buildContext
	lex  *shell.Lex
	// metaArgs are the ARGs declared before the first FROM.
	metaArgs map[string]*string
	// used are the build args a declared ARG consumed.
	used    map[string]bool
	results []stageResult
	step    int
	total   int
	// cacheFrom are the --cache-from images; once one served a step, only
	// it is tried, as dockerd does.
	cacheFrom []imagestore.Image
}

// stageResult is a built stage, which later FROM and COPY --from use.
type stageResult struct {
	name string
	id   string
}

func (j *job) run(ctx context.Context, stages []instructions.Stage, metaArgs []instructions.ArgCommand) (string, error) {
	j.total = len(metaArgs) + len(stages)
	for _, s := range stages {
		j.total += len(s.Commands)
	}
	j.metaArgs = map[string]*string{}
	for i := range metaArgs {
		j.printStep(&metaArgs[i])
		for _, kv := range metaArgs[i].Args {
			v, err := j.argValue(kv, j.metaEnv())
			if err != nil {
				return "", err
			}
			j.metaArgs[kv.Key] = v
		}
	}
	var st *state
	for i := range stages {
		s := &stages[i]
		j.printStep(s.SourceCode)
		var err error
		if st, err = j.from(ctx, s); err != nil {
			return "", err
		}
		j.out.Stream(" ---> " + shortID(st.imageID) + "\n")
		for _, cmd := range s.Commands {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			j.printStep(cmd)
			if err := j.dispatch(ctx, st, cmd); err != nil {
				return "", err
			}
			j.out.Stream(" ---> " + shortID(st.imageID) + "\n")
		}
		j.out.Aux(st.imageID)
		j.results = append(j.results, stageResult{name: strings.ToLower(s.Name), id: st.imageID})
	}
	if unused := j.unusedArgs(); len(unused) > 0 {
		j.out.Stream(fmt.Sprintf("[Warning] One or more build-args %v were not consumed\n", unused))
	}
	if st.imageID == "" {
		return "", errdefs.ErrInvalidArgument.WithMessage("No image was generated. Is your Dockerfile empty?")
	}
	return st.imageID, nil
}

func (j *job) printStep(cmd any) {
	j.step++
	j.out.Stream(fmt.Sprintf("Step %d/%d : %v\n", j.step, j.total, cmd))
}

// argValue is an ARG's value: the build arg when given, else its default
// expanded in env; nil when neither exists.
func (j *job) argValue(kv instructions.KeyValuePairOptional, env []string) (*string, error) {
	if v, ok := j.opts.BuildArgs[kv.Key]; ok {
		j.used[kv.Key] = true
		if v != nil {
			return v, nil
		}
	}
	if kv.Value == nil {
		return nil, nil
	}
	s, _, err := j.lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(env))
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	return &s, nil
}

func (j *job) metaEnv() []string {
	var env []string
	for _, k := range slices.Sorted(maps.Keys(j.metaArgs)) {
		if v := j.metaArgs[k]; v != nil {
			env = append(env, k+"="+*v)
		}
	}
	return env
}

// unusedArgs are the build args no ARG declared, sorted.
func (j *job) unusedArgs() []string {
	var out []string
	for k := range j.opts.BuildArgs {
		if !j.used[k] && !builtinArg(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// builtinArg reports the proxy variables every build accepts undeclared,
// as dockerd's BuiltinAllowedBuildArgs.
func builtinArg(k string) bool {
	switch k {
	case "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
		"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy":
		return true
	}
	return false
}

// state is the stage being built: its current image and configuration.
type state struct {
	imageID string
	config  dockerspec.DockerOCIImageConfig
	author  string
	// args are the stage's declared ARGs with their values.
	args map[string]*string
	// cmdSet records a CMD in this stage: ENTRYPOINT resets an inherited Cmd only.
	cmdSet bool
}

// shortID is dockerd's TruncateID: 12 hex digits without the algorithm.
func shortID(id string) string {
	_, hex, ok := strings.Cut(id, ":")
	if !ok {
		hex = id
	}
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return hex
}
