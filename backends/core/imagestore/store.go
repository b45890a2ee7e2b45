// Package imagestore is the image store of the Sockerless backend core: the
// images the Docker Engine API's /images endpoints serve
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Image).
//
// Blobs (layer tars as they came, compressed or not, image configs and
// manifests) are content addressed under dir/blobs/sha256/<hex>. Image
// records and the repository reference map are JSON records of
// [store.Store]. Everything is crash-only: a blob is written to a temporary
// file, fsynced and renamed; an image record is written after its blobs; the
// references after the record. [Open] drops what a crash left half done.
package imagestore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/backends/core/store"
)

// Publisher receives the image events (pull, tag, untag, delete...).
type Publisher interface {
	Publish(ctx context.Context, m events.Message)
}

// Options configure a [Store].
type Options struct {
	// UsedBy returns the IDs of the containers created from imageID; the
	// store refuses to delete such images unless forced, as dockerd does.
	UsedBy func(imageID string) []string
	// Running reports whether a container is running. Deleting an image
	// used by a running container cannot be forced. Nil means none runs.
	Running func(containerID string) bool
	// Events receives image events; nil publishes none.
	Events Publisher
	// Mirrors are registry mirrors tried before Docker Hub, as
	// dockerd's "registry-mirrors" ("https://mirror.example" or a host).
	Mirrors []string
	// Insecure lists registries ("host:port" or CIDRs) reached over plain
	// HTTP. Loopback addresses and localhost always are, as with dockerd.
	Insecure []string
}

// Image is an image of the store.
type Image struct {
	// ID is "sha256:<hex>", the digest of the image's config blob.
	ID          string
	RepoTags    []string
	RepoDigests []string
	Created     time.Time
	// Config is the full image configuration.
	Config dockerspec.DockerOCIImage
	// Size is the unpacked size of all layers, as dockerd reports it.
	Size int64
	// LastTagTime is when a tag was last added to the image.
	LastTagTime time.Time
	// Layers are the layer blobs, bottom first.
	Layers []Layer
	// Parent is the ID of the image a commit was made on, or empty.
	Parent string
	// Comment is the config's comment, else its last history entry's.
	Comment string
	// DockerVersion is the version of the dockerd that built the image,
	// when one did.
	DockerVersion string
}

// Layer is one layer blob of an image.
type Layer struct {
	Digest    string `json:"digest"` // digest of the blob as stored (compressed or not)
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`     // blob size in bytes
	DiffID    string `json:"diff_id"`  // digest of the uncompressed tar
	Unpacked  int64  `json:"unpacked"` // size of the layer's files, as dockerd counts them
}

// record is the persisted form of an image.
type record struct {
	ID          string    `json:"id"`
	Layers      []Layer   `json:"layers"`
	Manifest    string    `json:"manifest,omitempty"` // digest of a stored manifest blob
	ManifestMT  string    `json:"manifest_media_type,omitempty"`
	LastTagTime time.Time `json:"last_tag_time,omitzero"`
	// Parent is the image a commit was made on, as dockerd's legacy
	// parent chain.
	Parent string `json:"parent,omitempty"`
}

const (
	kindImages = "images"
	kindRefs   = "references"
	refsRecord = "repositories"
)

// Store is an image store rooted at a directory. It is safe for concurrent use.
type Store struct {
	opts  Options
	dir   string
	db    *store.Store
	blobs *blobStore

	mu     sync.RWMutex
	images map[string]*entry // by ID
	refs   map[string]string // normalized reference -> image ID
}

// entry is an image record with its decoded config.
type entry struct {
	rec    record
	config dockerspec.DockerOCIImage
	extra  configExtra
}

// configExtra are the fields of dockerd's image config that the OCI types
// lack and inspect still reports.
type configExtra struct {
	Comment       string `json:"comment"`
	DockerVersion string `json:"docker_version"`
}

// Open opens (or creates) the image store in dir and recovers from a crash:
// image records whose blobs are missing, references to missing images and
// blobs no image references are dropped.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	db, err := store.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open image store: %w", err)
	}
	blobs, err := openBlobs(filepath.Join(dir, "blobs"))
	if err != nil {
		return nil, fmt.Errorf("open image store: %w", err)
	}
	s := &Store{opts: opts, dir: dir, db: db, blobs: blobs, images: map[string]*entry{}, refs: map[string]string{}}
	if err := s.recover(ctx); err != nil {
		return nil, fmt.Errorf("open image store: %w", err)
	}
	return s, nil
}

func (s *Store) recover(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	tmps, _ := filepath.Glob(filepath.Join(s.dir, ".tmp-*"))
	for _, t := range tmps {
		if err := os.RemoveAll(t); err != nil {
			return err
		}
	}
	var broken []string
	err := s.db.List(kindImages, func(id string, data []byte) error {
		e, err := s.loadEntry(data)
		if err != nil {
			log.Warn().Err(err).Str("image_id", id).Msg("dropping unreadable image record")
			broken = append(broken, id)
			return nil
		}
		s.images[e.rec.ID] = e
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range broken {
		if err := s.db.Delete(kindImages, id); err != nil {
			return err
		}
	}
	if err := s.db.Get(kindRefs, refsRecord, &s.refs); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	if s.refs == nil {
		s.refs = map[string]string{}
	}
	dirty := false
	for ref, id := range s.refs {
		if _, ok := s.images[id]; !ok {
			delete(s.refs, ref)
			dirty = true
		}
	}
	if dirty {
		if err := s.saveRefs(); err != nil {
			return err
		}
	}
	if err := s.blobs.collect(s.referencedBlobs()); err != nil {
		return err
	}
	return s.dropLayerCache()
}

// loadEntry decodes an image record and checks that its blobs exist.
func (s *Store) loadEntry(data []byte) (*entry, error) {
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	for _, l := range rec.Layers {
		if !s.blobs.has(l.Digest) {
			return nil, fmt.Errorf("layer blob %s is missing", l.Digest)
		}
	}
	if rec.Manifest != "" && !s.blobs.has(rec.Manifest) {
		return nil, fmt.Errorf("manifest blob %s is missing", rec.Manifest)
	}
	raw, err := s.blobs.read(rec.ID)
	if err != nil {
		return nil, err
	}
	e := &entry{rec: rec}
	_ = json.Unmarshal(raw, &e.extra)
	if err := json.Unmarshal(raw, &e.config); err != nil {
		return nil, fmt.Errorf("decode config %s: %w", rec.ID, err)
	}
	return e, nil
}

// referencedBlobs is the set of blob digests some image uses. Callers hold mu
// (or are alone, in Open).
func (s *Store) referencedBlobs() map[string]bool {
	used := map[string]bool{}
	for id, e := range s.images {
		used[id] = true
		if e.rec.Manifest != "" {
			used[e.rec.Manifest] = true
		}
		for _, l := range e.rec.Layers {
			used[l.Digest] = true
		}
	}
	return used
}

func (s *Store) saveRefs() error {
	return s.db.Put(kindRefs, refsRecord, s.refs)
}

// Close releases the store. It exists for symmetry; the store holds no
// open files between calls.
func (s *Store) Close() error { return nil }
