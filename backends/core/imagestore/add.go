package imagestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// newImage is an image whose blobs are all stored (and pinned) and that
// only needs its record and references.
type newImage struct {
	config []byte // raw config blob
	rec    record
	refs   []reference.Named
	unpins []func()
}

// release unpins the image's blobs.
func (n *newImage) release() {
	for _, u := range n.unpins {
		u()
	}
	n.unpins = nil
}

// add stores the config blob, then the record, then the references, and
// returns the image. An image that already exists only gets the references.
func (s *Store) add(ctx context.Context, n *newImage) (Image, error) {
	defer n.release()
	var cfg dockerspec.DockerOCIImage
	if err := json.Unmarshal(n.config, &cfg); err != nil {
		return Image{}, fmt.Errorf("decode image config: %w", err)
	}
	id, unpin, err := s.blobs.put(n.config)
	if err != nil {
		return Image{}, err
	}
	n.unpins = append(n.unpins, unpin)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.images[id]
	if e == nil {
		n.rec.ID = id
		if err := s.db.Put(kindImages, hexOf(id), n.rec); err != nil {
			return Image{}, err
		}
		e = &entry{rec: n.rec, config: cfg}
		_ = json.Unmarshal(n.config, &e.extra)
		s.images[id] = e
	} else {
		if e.rec.Manifest == "" && n.rec.Manifest != "" {
			ne := *e
			ne.rec.Manifest, ne.rec.ManifestMT = n.rec.Manifest, n.rec.ManifestMT
			if err := s.db.Put(kindImages, hexOf(id), ne.rec); err != nil {
				return Image{}, err
			}
			e = &ne
			s.images[id] = e
		}
	}
	e, err = s.setRefs(e, n.refs, time.Now().UTC())
	if err != nil {
		return Image{}, err
	}
	return s.image(e), nil
}
