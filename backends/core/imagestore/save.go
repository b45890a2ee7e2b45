package imagestore

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	godigest "github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Annotations dockerd 28 writes in the index.json of docker save.
const (
	annotationImageName = "io.containerd.image.name"
	annotationRefName   = ocispec.AnnotationRefName
)

// manifestItem is an entry of docker save's manifest.json.
type manifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// Save writes the images refs name as a docker save tar: an OCI image
// layout (oci-layout, index.json, blobs/sha256/...) with dockerd's
// manifest.json and repositories, the format docker 25+ writes and any
// dockerd loads. A name saves that tag; an ID saves the image untagged.
func (s *Store) Save(ctx context.Context, w io.Writer, refs []string) error {
	type saved struct {
		e    *entry
		tags []reference.NamedTagged
	}
	var list []*saved
	byID := map[string]*saved{}
	s.mu.RLock()
	var unpins []func()
	for _, ref := range refs {
		e, err := s.lookup(ref)
		if err != nil {
			s.mu.RUnlock()
			for _, u := range unpins {
				u()
			}
			return err
		}
		sv := byID[e.rec.ID]
		if sv == nil {
			sv = &saved{e: e}
			byID[e.rec.ID] = sv
			list = append(list, sv)
			for _, d := range append(layerDigests(e.rec.Layers), e.rec.ID, e.rec.Manifest) {
				if d != "" {
					unpins = append(unpins, s.blobs.pin(d))
				}
			}
		}
		if !isIDPrefix(e.rec.ID, ref) {
			if named, err := reference.ParseNormalizedNamed(ref); err == nil {
				if tagged, ok := reference.TagNameOnly(named).(reference.NamedTagged); ok {
					sv.tags = append(sv.tags, tagged)
				}
			}
		}
	}
	s.mu.RUnlock()
	defer func() {
		for _, u := range unpins {
			u()
		}
	}()

	tw := newTarWriter(w)
	index := ocispec.Index{Versioned: specsV2, MediaType: ocispec.MediaTypeImageIndex}
	var manifest []manifestItem
	repos := map[string]map[string]string{}
	for _, sv := range list {
		mdesc, err := s.saveImage(tw, sv.e)
		if err != nil {
			return err
		}
		item := manifestItem{Config: blobName(sv.e.rec.ID), RepoTags: []string{}}
		for _, l := range sv.e.rec.Layers {
			item.Layers = append(item.Layers, blobName(l.Digest))
		}
		if len(sv.tags) == 0 {
			index.Manifests = append(index.Manifests, mdesc)
		}
		for _, t := range sv.tags {
			d := mdesc
			d.Annotations = map[string]string{annotationImageName: t.String(), annotationRefName: t.Tag()}
			index.Manifests = append(index.Manifests, d)
			item.RepoTags = append(item.RepoTags, reference.FamiliarString(t))
			name := reference.FamiliarName(t)
			if repos[name] == nil {
				repos[name] = map[string]string{}
			}
			if n := len(sv.e.rec.Layers); n > 0 {
				repos[name][t.Tag()] = hexOf(sv.e.rec.Layers[n-1].DiffID)
			}
		}
		manifest = append(manifest, item)
	}
	for name, v := range map[string]any{"index.json": index, "manifest.json": manifest, "repositories": repos} {
		if name == "repositories" && len(repos) == 0 {
			continue
		}
		if err := tw.json(name, v); err != nil {
			return err
		}
	}
	if err := tw.bytes("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	for _, sv := range list {
		s.publish(ctx, events.ActionSave, sv.e.rec.ID, sv.e.rec.ID, sv.e.config.Config.Labels)
	}
	return nil
}

// specsV2 is schemaVersion 2 of OCI manifests and indexes.
var specsV2 = specs.Versioned{SchemaVersion: 2}

// saveImage writes the blobs of e and returns its manifest's descriptor.
func (s *Store) saveImage(tw *tarWriter, e *entry) (ocispec.Descriptor, error) {
	mt, mraw, err := s.manifest(e)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	for _, d := range append([]string{e.rec.ID}, layerDigests(e.rec.Layers)...) {
		if err := s.copyBlob(tw, d); err != nil {
			return ocispec.Descriptor{}, err
		}
	}
	mdigest := godigest.FromBytes(mraw)
	if !tw.written[string(mdigest)] {
		if err := tw.bytes(blobName(string(mdigest)), mraw); err != nil {
			return ocispec.Descriptor{}, err
		}
		tw.written[string(mdigest)] = true
	}
	return ocispec.Descriptor{MediaType: mt, Digest: mdigest, Size: int64(len(mraw))}, nil
}

// manifest returns the image's stored manifest, or an OCI manifest made
// from its record for images that came without one (imports).
func (s *Store) manifest(e *entry) (string, []byte, error) {
	if e.rec.Manifest != "" {
		raw, err := s.blobs.read(e.rec.Manifest)
		return e.rec.ManifestMT, raw, err
	}
	cfg, err := s.blobs.read(e.rec.ID)
	if err != nil {
		return "", nil, err
	}
	m := ocispec.Manifest{
		Versioned: specsV2,
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    ocispec.Descriptor{MediaType: mediaTypeConfig, Digest: godigest.Digest(e.rec.ID), Size: int64(len(cfg))},
		Layers:    []ocispec.Descriptor{},
	}
	for _, l := range e.rec.Layers {
		m.Layers = append(m.Layers, ocispec.Descriptor{MediaType: l.MediaType, Digest: godigest.Digest(l.Digest), Size: l.Size})
	}
	raw, err := json.Marshal(m)
	return mediaTypeManifest, raw, err
}

func (s *Store) copyBlob(tw *tarWriter, digest string) error {
	if tw.written[digest] {
		return nil
	}
	f, err := s.blobs.open(digest)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.file(blobName(digest), fi.Size(), f); err != nil {
		return err
	}
	tw.written[digest] = true
	return nil
}

func blobName(digest string) string { return "blobs/sha256/" + hexOf(digest) }

func layerDigests(ls []Layer) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Digest
	}
	return out
}

// tarWriter writes docker save's tar, creating parent directories once.
type tarWriter struct {
	*tar.Writer
	dirs    map[string]bool
	written map[string]bool
	now     time.Time
}

func newTarWriter(w io.Writer) *tarWriter {
	return &tarWriter{Writer: tar.NewWriter(w), dirs: map[string]bool{}, written: map[string]bool{}, now: time.Unix(0, 0).UTC()}
}

func (tw *tarWriter) file(name string, size int64, r io.Reader) error {
	for _, d := range []string{"blobs/", "blobs/sha256/"} {
		if len(name) > len(d) && name[:len(d)] == d && !tw.dirs[d] {
			tw.dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: tw.now, Format: tar.FormatPAX}); err != nil {
				return err
			}
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: tw.now, Format: tar.FormatPAX}); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if _, err := io.Copy(tw, r); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return nil
}

func (tw *tarWriter) bytes(name string, data []byte) error {
	return tw.file(name, int64(len(data)), bytes.NewReader(data))
}

func (tw *tarWriter) json(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tw.bytes(name, data)
}
