package build

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// commitConfig commits a configuration change with an empty layer, its
// history entry "<shell> #(nop)  <msg>" (two spaces: dockerd joins
// "#(nop) " and the message with a space) as dockerd's classic builder
// writes it.
func (j *job) commitConfig(ctx context.Context, st *state, cfg dockerspec.DockerOCIImageConfig, msg string) error {
	createdBy := strings.Join(append(shellOf(st), "#(nop) ", msg), " ")
	if j.cached(ctx, st, cfg, createdBy) {
		return nil
	}
	var empty bytes.Buffer
	tar.NewWriter(&empty).Close()
	return j.commit(ctx, st, cfg, createdBy, &empty)
}

// commit adds an image made of st's image, the layer diff and cfg, and
// makes it the stage's current image.
func (j *job) commit(ctx context.Context, st *state, cfg dockerspec.DockerOCIImageConfig, createdBy string, diff io.Reader) error {
	img, err := j.b.images.Commit(ctx, st.imageID, diff, imagestore.CommitOptions{
		Config: cfg, Author: st.author, CreatedBy: createdBy,
	})
	if err != nil {
		return err
	}
	st.imageID, st.config = img.ID, cfg
	return nil
}

// cached looks for an image committed on st's image by the same step:
// the classic builder's cache, keyed by parent image, history command and
// resulting configuration. On a hit the stage moves to that image.
func (j *job) cached(ctx context.Context, st *state, cfg dockerspec.DockerOCIImageConfig, createdBy string) bool {
	if j.opts.NoCache {
		return false
	}
	want, err := json.Marshal(cfg)
	if err != nil {
		return false
	}
	for _, c := range j.b.images.Children(ctx, st.imageID) {
		h := c.Config.History
		if len(h) == 0 || h[len(h)-1].CreatedBy != createdBy || c.Config.Author != st.author {
			continue
		}
		got, err := json.Marshal(c.Config.Config)
		if err != nil || !bytes.Equal(got, want) {
			continue
		}
		j.out.Stream(" ---> Using cache\n")
		st.imageID, st.config = c.ID, c.Config.Config
		return true
	}
	if id, ok := j.cachedFrom(ctx, st, cfg, createdBy); ok {
		j.out.Stream(" ---> Using cache\n")
		st.imageID = id
		if id != "" {
			if img, err := j.b.images.Resolve(ctx, id); err == nil {
				st.config = img.Config.Config
			}
		}
		return true
	}
	return false
}

// cachedFrom matches a step against the --cache-from images, as dockerd's
// ImageCache: an image whose history starts with the current image's
// history and layers, and whose next entry is this step's command. When
// that entry is the image's last, the image itself is the step's result;
// otherwise the step's image is restored from the entry and its layer.
func (j *job) cachedFrom(ctx context.Context, st *state, cfg dockerspec.DockerOCIImageConfig, createdBy string) (string, bool) {
	if len(j.cacheFrom) == 0 {
		return "", false
	}
	var parent imagestore.Image
	if st.imageID != "" {
		var err error
		if parent, err = j.b.images.Resolve(ctx, st.imageID); err != nil {
			return "", false
		}
	}
	n := len(parent.Config.History)
	for _, src := range j.cacheFrom {
		h := src.Config.History
		if len(h) <= n || h[n].CreatedBy != createdBy || !extends(src, parent) {
			continue
		}
		if len(h)-1 == n {
			return src.ID, true
		}
		img, err := j.b.images.CommitCached(ctx, st.imageID, src, n, cfg)
		if err != nil {
			return "", false
		}
		j.cacheFrom = []imagestore.Image{src}
		return img.ID, true
	}
	return "", false
}

// extends reports whether img's history and layers start with parent's.
func extends(img, parent imagestore.Image) bool {
	ph, pd := parent.Config.History, parent.Config.RootFS.DiffIDs
	h, d := img.Config.History, img.Config.RootFS.DiffIDs
	if len(ph) >= len(h) || len(pd) > len(d) {
		return false
	}
	for i := range ph {
		if !reflect.DeepEqual(ph[i], h[i]) {
			return false
		}
	}
	return slices.Equal(pd, d[:len(pd)])
}
