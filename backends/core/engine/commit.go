package engine

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Committer is the image store's docker commit.
type Committer interface {
	Commit(ctx context.Context, parentID string, diff io.Reader, opts imagestore.CommitOptions) (imagestore.Image, error)
}

// CommitOptions are a POST /commit request.
type CommitOptions struct {
	Repo, Tag, Comment, Author string
	Changes                    []string
	// Pause freezes a running container while its changes are read, when
	// the driver can pause.
	Pause bool
	// Config, when not nil, overrides the container's configuration.
	Config *container.Config
}

// Commit makes an image of container ref's changes on top of its image:
// the driver's change list, read file by file through the driver's
// [driver.Filesystem], with whiteouts for deletions.
func (e *Engine) Commit(ctx context.Context, ref string, opts CommitOptions) (string, error) {
	store, ok := e.images.(Committer)
	if !ok {
		return "", e.unsupported("commit")
	}
	var named reference.Named
	if opts.Repo != "" {
		n, err := reference.ParseNormalizedNamed(opts.Repo)
		if err != nil {
			return "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if _, isDigest := n.(reference.Canonical); isDigest {
			return "", errdefs.ErrInvalidArgument.WithMessage("cannot commit to digest reference")
		}
		if opts.Tag != "" {
			if n, err = reference.WithTag(n, opts.Tag); err != nil {
				return "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
		}
		named = n
	}
	fs, id, err := e.filesystem(ctx, ref, "commit")
	if err != nil {
		return "", err
	}
	c, err := e.get(id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	cfg := *c.rec.Config
	imageID, running, paused := c.rec.ImageID, c.task != nil, c.rec.State.Status == StatusPaused
	c.mu.Unlock()
	if opts.Config != nil {
		user := *opts.Config
		mergeImage(&user, imageConfig(&cfg))
		cfg = user
	}
	if p, ok := e.drv.Extra.(driver.Pauser); ok && opts.Pause && running && !paused {
		if err := p.Pause(ctx, id); err == nil {
			defer p.Unpause(context.WithoutCancel(ctx), id)
		}
	}
	changes, err := fs.Changes(ctx, id)
	if err != nil {
		return "", e.fsErr("commit", err)
	}
	changes = withoutMounted(changes)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(WriteDiff(ctx, fs.GetArchive, id, changes, pw)) }()
	img, err := store.Commit(ctx, imageID, pr, imagestore.CommitOptions{Ref: named, Config: imageConfig(&cfg),
		Changes: opts.Changes, Author: opts.Author, Comment: opts.Comment, ContainerID: id,
		CreatedBy: strings.Join(append(slices.Clone(cfg.Entrypoint), cfg.Cmd...), " ")})
	pr.CloseWithError(errors.New("commit ended"))
	if err != nil {
		return "", err
	}
	attrs := map[string]string{"comment": opts.Comment, "imageID": img.ID}
	if named != nil {
		attrs["imageRef"] = reference.FamiliarString(named)
	}
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionCommit, attrs)
	c.mu.Unlock()
	return img.ID, nil
}

// imageConfig is a container configuration as an image's.
func imageConfig(c *container.Config) dockerspec.DockerOCIImageConfig {
	var out dockerspec.DockerOCIImageConfig
	out.User, out.Env, out.Entrypoint, out.Cmd = c.User, slices.Clone(c.Env), slices.Clone(c.Entrypoint), slices.Clone(c.Cmd)
	out.WorkingDir, out.Labels, out.StopSignal, out.Volumes = c.WorkingDir, c.Labels, c.StopSignal, c.Volumes
	out.Healthcheck, out.OnBuild, out.Shell, out.ArgsEscaped = c.Healthcheck, c.OnBuild, c.Shell, c.ArgsEscaped
	if len(c.ExposedPorts) > 0 {
		out.ExposedPorts = map[string]struct{}{}
		for p := range c.ExposedPorts {
			out.ExposedPorts[p.String()] = struct{}{}
		}
	}
	return out
}
