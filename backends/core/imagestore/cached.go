package imagestore

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// CommitCached makes, on top of the image parentID ("" for none), the
// image that step index of from's history made, without running the step:
// the classic builder's --cache-from (dockerd's restoreCachedImage). The
// new image has cfg as configuration, from's history entry for the step
// and, when the step made a layer, from's layer, already in the store.
func (s *Store) CommitCached(ctx context.Context, parentID string, from Image, index int, cfg dockerspec.DockerOCIImageConfig) (Image, error) {
	hist := from.Config.History
	if index < 0 || index >= len(hist) {
		return Image{}, errdefs.ErrInvalidArgument.WithMessage("no such history entry in the cache source")
	}
	var parent Image
	if parentID != "" {
		var err error
		if parent, err = s.Resolve(ctx, parentID); err != nil {
			return Image{}, err
		}
	}
	n := &newImage{rec: record{Parent: parent.ID, Layers: slices.Clone(parent.Layers)}}
	defer n.release()
	for _, l := range parent.Layers {
		n.unpins = append(n.unpins, s.blobs.pin(l.Digest))
	}
	h := hist[index]
	img := configJSON{DockerOCIImage: dockerspec.DockerOCIImage{Image: from.Config.Image, Config: cfg}}
	img.Created, img.Author = h.Created, from.Config.Author
	img.RootFS = ocispec.RootFS{Type: "layers", DiffIDs: slices.Clone(parent.Config.RootFS.DiffIDs)}
	if !h.EmptyLayer {
		li := 0
		for _, e := range hist[:index] {
			if !e.EmptyLayer {
				li++
			}
		}
		if li >= len(from.Layers) {
			return Image{}, errdefs.ErrDataLoss.WithMessage("too many non-empty layers in History section")
		}
		l := from.Layers[li]
		n.unpins = append(n.unpins, s.blobs.pin(l.Digest))
		if !s.blobs.has(l.Digest) {
			return Image{}, errdefs.ErrNotFound.WithMessage("layer " + l.Digest + " of the cache source is not in the store")
		}
		n.rec.Layers = append(n.rec.Layers, l)
		img.RootFS.DiffIDs = append(img.RootFS.DiffIDs, digestT(l.DiffID))
	}
	img.History = append(slices.Clone(parent.Config.History), h)
	var err error
	if n.config, err = json.Marshal(img); err != nil {
		return Image{}, err
	}
	return s.add(ctx, n)
}
