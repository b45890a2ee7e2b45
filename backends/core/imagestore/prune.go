package imagestore

import (
	"context"
	"strconv"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
)

// PruneOptions select what [Store.Prune] removes.
type PruneOptions struct {
	// All removes every unused image, not only dangling (untagged) ones.
	All bool
	// Match, when set, must accept an image for it to be removed (the
	// label and until filters).
	Match func(Image) bool
}

// Prune removes the images no container uses: the untagged ones, or all of
// them with opts.All, as docker image prune does.
func (s *Store) Prune(ctx context.Context, opts PruneOptions) (image.PruneReport, error) {
	report := image.PruneReport{ImagesDeleted: []image.DeleteResponse{}}
	var reclaimed int64
	for _, img := range s.List(ctx) {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		if (!opts.All && (len(img.RepoTags) > 0 || s.HasChildren(img.ID))) || s.firstContainer(img.ID, nil) != "" {
			continue
		}
		if opts.Match != nil && !opts.Match(img) {
			continue
		}
		refs := []string{img.ID}
		if len(img.RepoTags)+len(img.RepoDigests) > 0 {
			refs = append(append([]string{}, img.RepoTags...), img.RepoDigests...)
		}
		for _, ref := range refs {
			recs, err := s.Delete(ctx, ref, false, true)
			if errdefs.IsConflict(err) || errdefs.IsNotFound(err) {
				break
			}
			if err != nil {
				return report, err
			}
			report.ImagesDeleted = append(report.ImagesDeleted, recs...)
			for _, r := range recs {
				if r.Deleted == img.ID {
					reclaimed += s.freed(img.Layers)
				}
			}
		}
	}
	report.SpaceReclaimed = uint64(reclaimed)
	if s.opts.Events != nil {
		now := time.Now()
		s.opts.Events.Publish(ctx, events.Message{
			Type: events.ImageEventType, Action: events.ActionPrune, Scope: "local",
			Actor: events.Actor{Attributes: map[string]string{"reclaimed": strconv.FormatInt(reclaimed, 10)}},
			Time:  now.Unix(), TimeNano: now.UnixNano(),
		})
	}
	return report, nil
}

// freed is the size of the layers of a deleted image that no other image
// shares, the space dockerd reports as reclaimed.
func (s *Store) freed(layers []Layer) int64 {
	var n int64
	for _, l := range layers {
		if _, shared := s.knownLayer(l.Digest); !shared {
			n += l.Unpacked
		}
	}
	return n
}
