package images

import (
	"context"
	"io"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	registrytypes "github.com/moby/moby/api/types/registry"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Backend is what the /images handlers need; *imagestore.Store is the
// implementation, tests pass fakes for failures that are hard to provoke.
type Backend interface {
	Resolve(ctx context.Context, ref string) (imagestore.Image, error)
	List(ctx context.Context) []imagestore.Image
	History(ctx context.Context, ref string) ([]image.HistoryResponseItem, error)
	ContainersUsing(imageID string) []string
	HasChildren(imageID string) bool
	Tag(ctx context.Context, source, target string) error
	Delete(ctx context.Context, ref string, force, prune bool) ([]image.DeleteResponse, error)
	Prune(ctx context.Context, opts imagestore.PruneOptions) (image.PruneReport, error)
	Import(ctx context.Context, r io.Reader, opts imagestore.ImportOptions) (imagestore.Image, error)
	Load(ctx context.Context, r io.Reader, report func(imagestore.Progress)) error
	Save(ctx context.Context, w io.Writer, refs []string) error
	Pull(ctx context.Context, ref reference.Named, opts imagestore.PullOptions, report func(imagestore.Progress)) (imagestore.Image, error)
	Push(ctx context.Context, ref reference.Named, auth registrytypes.AuthConfig, report func(imagestore.Progress), result func(imagestore.PushResult)) error
}

var _ Backend = (*imagestore.Store)(nil)
