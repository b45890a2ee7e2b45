// Package build is the classic Dockerfile builder of the Sockerless backend
// core: POST /build of the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Image/operation/ImageBuild),
// the protocol `DOCKER_BUILDKIT=0 docker build` speaks.
//
// The Dockerfile is parsed with buildkit's parser and instructions
// packages. Each instruction commits an image as dockerd's classic builder
// does: RUN runs in a real container of the engine and commits the
// container's file system changes as a layer; COPY and ADD commit a layer
// made from the build context (or another stage); the other instructions
// commit their configuration change with an empty layer. Every committed
// image records its parent, which is what the layer cache looks up;
// --cache-from images (pulled or loaded, without parents) serve as cache
// by their history, as dockerd's ImageCache.
//
// Output, history entries and layers were compared with dockerd 20.10's
// classic builder on the same Dockerfile (every instruction): same steps,
// same "#(nop)" history commands, same empty RUN layers.
//
// # Differences from dockerd
//
//   - Configuration steps (ENV, LABEL, CMD...) commit without creating a
//     container, so their output has no "Running in" and "Removed
//     intermediate container" lines; dockerd creates and removes one each.
//   - The content digest of COPY and ADD ("file:<hex>" in the history, the
//     cache key) is our own digest of names, modes, owners and contents,
//     not dockerd's tarsum, so the hex differs from dockerd's for the same
//     files.
//   - ADD of a URL downloads with the daemon's HTTP client, without
//     checksum or git support. RUN --mount, --network and --security,
//     COPY --parents and --exclude, and heredocs are refused with the
//     classic builder's "requires BuildKit" message.
//   - COPY --from with a wildcard fetches the pattern's fixed leading
//     directory from the image and matches below it.
package build

import (
	"context"
	"io"
	"net/http"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	registrytypes "github.com/moby/moby/api/types/registry"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Containers is the container engine RUN steps execute in.
type Containers interface {
	Create(ctx context.Context, opts engine.CreateOptions) (container.CreateResponse, error)
	Start(ctx context.Context, ref string) error
	Wait(ctx context.Context, ref string, cond container.WaitCondition) (engine.Waiter, error)
	Logs(ctx context.Context, ref string, opts engine.LogsOptions) (bool, engine.LogStream, error)
	Remove(ctx context.Context, ref string, opts engine.RemoveOptions) error
	StatPath(ctx context.Context, ref, path string) (driver.PathStat, error)
	GetArchive(ctx context.Context, ref, path string) (io.ReadCloser, driver.PathStat, error)
	Changes(ctx context.Context, ref string) ([]driver.Change, error)
}

// Images is the image store builds read base images from and commit to.
type Images interface {
	Resolve(ctx context.Context, ref string) (imagestore.Image, error)
	Children(ctx context.Context, id string) []imagestore.Image
	Pull(ctx context.Context, ref reference.Named, opts imagestore.PullOptions, report func(imagestore.Progress)) (imagestore.Image, error)
	Commit(ctx context.Context, parentID string, diff io.Reader, opts imagestore.CommitOptions) (imagestore.Image, error)
	Tag(ctx context.Context, source, target string) error
	CommitCached(ctx context.Context, parentID string, from imagestore.Image, index int, cfg dockerspec.DockerOCIImageConfig) (imagestore.Image, error)
}

var (
	_ Containers = (*engine.Engine)(nil)
	_ Images     = (*imagestore.Store)(nil)
)

// Builder runs classic builds. It is safe for concurrent use.
type Builder struct {
	containers Containers
	images     Images
	tmp        string
	client     *http.Client // downloads ADD URLs
}

// New returns a builder that runs containers with c, stores images in i
// and extracts build contexts under tmp ("" for the system's default).
func New(c Containers, i Images, tmp string) *Builder {
	return &Builder{containers: c, images: i, tmp: tmp, client: &http.Client{}}
}

// Options are the parameters of a build, POST /build's query.
type Options struct {
	// Dockerfile is the Dockerfile's path in the context ("Dockerfile").
	Dockerfile string
	// Tags name the result ("-t", repeatable).
	Tags []string
	// BuildArgs are --build-arg values; a nil value takes the value from
	// the ARG default.
	BuildArgs map[string]*string
	// Labels are --label values, added to the final image.
	Labels map[string]string
	// Target is the last stage to build; empty builds all stages.
	Target string
	// NoCache disables the layer cache.
	NoCache bool
	// CacheFrom are images (pulled, loaded) whose history may stand in
	// for steps, as --cache-from; images missing from the store are
	// skipped.
	CacheFrom []string
	// Remove deletes intermediate containers of successful steps (the
	// default), ForceRemove those of failed steps too.
	Remove, ForceRemove bool
	// Pull always pulls base images.
	Pull bool
	// Platform is the platform base images are pulled for.
	Platform string
	// NetworkMode is the network of RUN containers ("" for the default
	// bridge, "none", "host" or a network name), as --network.
	NetworkMode string
	// Quiet suppresses the step output; only the image ID is written.
	Quiet bool
	// Auth holds registry credentials by registry host (X-Registry-Config).
	Auth map[string]registrytypes.AuthConfig
}

// Result is a finished build.
type Result struct {
	// ID is the built image's ID.
	ID string
}
