package imagestore

import (
	"context"
	"encoding/json"
	"io"
	"runtime"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore/changes"
)

// emptyTarDiffID is the diff ID of a tar without entries (1024 zero
// bytes): a commit that changed nothing adds no layer, as in dockerd.
const emptyTarDiffID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"

// CommitOptions are the parameters of docker commit.
type CommitOptions struct {
	// Ref names the new image; nil leaves it untagged.
	Ref reference.Named
	// Config is the container's configuration, the base of the image's;
	// Changes (Dockerfile instructions) are applied on top of it.
	Config  dockerspec.DockerOCIImageConfig
	Changes []string
	Author  string
	Comment string
	// ContainerID is recorded in the config as dockerd does.
	ContainerID string
	// CreatedBy is the history entry's command, dockerd joins the
	// container's Cmd with spaces.
	CreatedBy string
}

// Commit creates an image from the image parentID ("" for none) and diff,
// the tar of a container's changes (whiteouts for deletions, as
// docker diff's layer format): docker commit. The new image records
// parentID as its parent.
func (s *Store) Commit(ctx context.Context, parentID string, diff io.Reader, opts CommitOptions) (Image, error) {
	cfg := opts.Config
	if err := changes.Apply(&cfg, opts.Changes); err != nil {
		return Image{}, err
	}
	var parent Image
	if parentID != "" {
		var err error
		if parent, err = s.Resolve(ctx, parentID); err != nil {
			return Image{}, err
		}
	}
	l, unpin, err := s.storeLayerTar(ctx, diff)
	if err != nil {
		return Image{}, err
	}
	n := &newImage{unpins: []func(){unpin}, rec: record{Parent: parent.ID, Layers: append([]Layer{}, parent.Layers...)}}
	defer n.release()
	for _, pl := range parent.Layers {
		n.unpins = append(n.unpins, s.blobs.pin(pl.Digest))
	}
	if parentID != "" && !s.hasImage(parent.ID) {
		return Image{}, errdefs.ErrNotFound.WithMessage("No such image: " + parentID)
	}
	now := time.Now().UTC()
	img := configJSON{DockerOCIImage: dockerspec.DockerOCIImage{Image: parent.Config.Image, Config: cfg}, Comment: opts.Comment, Container: opts.ContainerID}
	img.Created, img.Author = &now, opts.Author
	img.RootFS = ocispec.RootFS{Type: "layers", DiffIDs: append([]digestT{}, parent.Config.RootFS.DiffIDs...)}
	empty := l.DiffID == emptyTarDiffID
	if !empty {
		img.RootFS.DiffIDs = append(img.RootFS.DiffIDs, digestT(l.DiffID))
		n.rec.Layers = append(n.rec.Layers, l)
	}
	img.History = append(append([]ocispec.History{}, parent.Config.History...), ocispec.History{
		Created: &now, Author: opts.Author, CreatedBy: opts.CreatedBy, Comment: opts.Comment, EmptyLayer: empty,
	})
	if img.OS == "" {
		img.OS, img.Architecture = "linux", runtime.GOARCH
	}
	if n.config, err = json.Marshal(img); err != nil {
		return Image{}, err
	}
	if opts.Ref != nil {
		n.refs = []reference.Named{reference.TagNameOnly(opts.Ref)}
	}
	return s.add(ctx, n)
}

func (s *Store) hasImage(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.images[id] != nil
}
