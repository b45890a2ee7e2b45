package build

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	return false
}
