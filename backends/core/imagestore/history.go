package imagestore

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
)

// History is docker history: the image's history entries, newest first.
// Entries that made a layer carry its size.
func (s *Store) History(ctx context.Context, ref string) ([]image.HistoryResponseItem, error) {
	img, err := s.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := []image.HistoryResponseItem{}
	layer := 0
	for _, h := range img.Config.History {
		var size int64
		if !h.EmptyLayer {
			if layer >= len(img.Layers) {
				return nil, errdefs.ErrDataLoss.WithMessage("too many non-empty layers in History section")
			}
			size = img.Layers[layer].Unpacked
			layer++
		}
		var created int64
		if h.Created != nil {
			created = h.Created.Unix()
		}
		out = append([]image.HistoryResponseItem{{
			ID: "<missing>", Created: created, CreatedBy: h.CreatedBy, Comment: h.Comment, Size: size,
		}}, out...)
	}
	// As dockerd: the newest entries are the image and its parents, one
	// entry each (commits add one); older entries are "<missing>".
	cur := img
	for i := range out {
		out[i].ID = cur.ID
		if len(cur.RepoTags) > 0 {
			out[i].Tags = cur.RepoTags
		}
		if cur.Parent == "" {
			break
		}
		if cur, err = s.Resolve(ctx, cur.Parent); err != nil {
			break
		}
	}
	return out, nil
}

// ContainersUsing returns the containers created from imageID, as
// [Options.UsedBy] reports them.
func (s *Store) ContainersUsing(imageID string) []string {
	if s.opts.UsedBy == nil {
		return nil
	}
	return s.opts.UsedBy(imageID)
}
