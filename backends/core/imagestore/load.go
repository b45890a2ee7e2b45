package imagestore

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// Load adds the images of a docker save tar (plain or compressed) to the
// store: dockerd's manifest.json format, or a bare OCI image layout
// (index.json). report receives dockerd's messages: lines ("Loaded image:
// x:y") and the "Loading layer" progress of layers the store lacked.
func (s *Store) Load(ctx context.Context, r io.Reader, report func(Progress)) error {
	tmp, err := os.MkdirTemp(s.dir, ".tmp-load-")
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer os.RemoveAll(tmp)
	root, err := os.OpenRoot(tmp)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer root.Close()
	if err := extractArchive(ctx, root, r); err != nil {
		return err
	}
	if raw, err := root.ReadFile("manifest.json"); err == nil {
		var items []manifestItem
		if err := json.Unmarshal(raw, &items); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid manifest.json: " + err.Error())
		}
		for _, it := range items {
			if err := s.loadItem(ctx, root, it, report); err != nil {
				return err
			}
		}
		return nil
	}
	raw, err := root.ReadFile("index.json")
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid image archive: neither manifest.json nor index.json found")
	}
	var index ocispec.Index
	if err := json.Unmarshal(raw, &index); err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid index.json: " + err.Error())
	}
	for _, d := range index.Manifests {
		if err := s.loadOCI(ctx, root, d, report); err != nil {
			return err
		}
	}
	return nil
}

// extractArchive unpacks the regular files, directories and symbolic links
// of a save tar into root (docker 20.10 links shared layers).
func extractArchive(ctx context.Context, root *os.Root, r io.Reader) error {
	rd, err := decompress(r)
	if err != nil {
		return err
	}
	defer rd.Close()
	tr := tar.NewReader(rd)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("Error processing tar file: " + err.Error())
		}
		name, err := layer.CleanPath(hdr.Name)
		if err != nil {
			return err
		}
		if name == "." {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeDir, tar.TypeReg, tar.TypeRegA, tar.TypeSymlink:
			if _, _, err := layer.Extract(root, name, hdr, tr); err != nil {
				return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Error processing tar file: %s: %v", name, err))
			}
		}
	}
}

// loadItem loads one manifest.json entry.
func (s *Store) loadItem(ctx context.Context, root *os.Root, it manifestItem, report func(Progress)) error {
	config, err := readArchiveFile(root, it.Config)
	if err != nil {
		return err
	}
	var refs []reference.Named
	for _, t := range it.RepoTags {
		named, err := reference.ParseNormalizedNamed(t)
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid tag %q: %v", t, err))
		}
		refs = append(refs, reference.TagNameOnly(named))
	}
	paths := make([]ocispec.Descriptor, len(it.Layers))
	for i, p := range it.Layers {
		paths[i] = ocispec.Descriptor{URLs: []string{p}}
	}
	return s.loadImage(ctx, root, config, paths, refs, ocispec.Descriptor{}, report)
}

// loadOCI loads the image (or, for an index, the image of our platform)
// of an OCI layout descriptor.
func (s *Store) loadOCI(ctx context.Context, root *os.Root, d ocispec.Descriptor, report func(Progress)) error {
	raw, err := readArchiveFile(root, blobName(string(d.Digest)))
	if err != nil {
		return err
	}
	if isIndex(d.MediaType) {
		var idx ocispec.Index
		if err := json.Unmarshal(raw, &idx); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid image index: " + err.Error())
		}
		m, ok := pickPlatform(idx.Manifests, ocispec.Platform{OS: "linux", Architecture: runtime.GOARCH})
		if !ok {
			return errdefs.ErrNotFound.WithMessage("no image for linux/" + runtime.GOARCH + " in the archive")
		}
		m.Annotations = d.Annotations
		return s.loadOCI(ctx, root, m, report)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid image manifest: " + err.Error())
	}
	config, err := readArchiveFile(root, blobName(string(m.Config.Digest)))
	if err != nil {
		return err
	}
	var refs []reference.Named
	// The OCI ref.name is often a bare tag ("latest"): it names the image
	// only when it is a full reference.
	name := d.Annotations[annotationImageName]
	if ref := d.Annotations[annotationRefName]; name == "" && strings.ContainsAny(ref, "/:@") {
		name = ref
	}
	if named, err := reference.ParseNormalizedNamed(name); err == nil && name != "" {
		refs = append(refs, reference.TagNameOnly(named))
	}
	layers := make([]ocispec.Descriptor, len(m.Layers))
	for i, l := range m.Layers {
		layers[i] = l
		layers[i].URLs = []string{blobName(string(l.Digest))}
	}
	d.MediaType = m.MediaType
	if d.MediaType == "" {
		d.MediaType = mediaTypeManifest
	}
	return s.loadImage(ctx, root, config, layers, refs, ocispec.Descriptor{MediaType: d.MediaType, Data: raw}, report)
}

// loadImage stores the layers (at URLs[0] inside root), the manifest (when
// manifest.Data is set), config and references of one image.
func (s *Store) loadImage(ctx context.Context, root *os.Root, config []byte, layers []ocispec.Descriptor, refs []reference.Named, manifest ocispec.Descriptor, report func(Progress)) error {
	var cfg configJSON
	if err := json.Unmarshal(config, &cfg); err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid image config: " + err.Error())
	}
	if len(cfg.RootFS.DiffIDs) != len(layers) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid manifest, layers length mismatch: expected %d, got %d", len(cfg.RootFS.DiffIDs), len(layers)))
	}
	n := &newImage{config: config, refs: refs}
	defer n.release()
	for i, l := range layers {
		diffID := string(cfg.RootFS.DiffIDs[i])
		if known, unpin, ok := s.reuseLayer(diffID, string(l.Digest), manifest.Data == nil); ok {
			n.unpins = append(n.unpins, unpin)
			n.rec.Layers = append(n.rec.Layers, known)
			continue
		}
		layer, unpin, err := s.loadLayer(ctx, root, l, shortID(diffID), report)
		if err != nil {
			return err
		}
		n.unpins = append(n.unpins, unpin)
		if layer.DiffID != diffID {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid diffID for layer %d: expected %q, got %q", i, diffID, layer.DiffID))
		}
		n.rec.Layers = append(n.rec.Layers, layer)
	}
	if manifest.Data != nil {
		d, unpin, err := s.blobs.put(manifest.Data)
		if err != nil {
			return err
		}
		n.unpins = append(n.unpins, unpin)
		n.rec.Manifest, n.rec.ManifestMT = d, manifest.MediaType
	}
	id := "sha256:" + sha256Hex(config)
	s.mu.RLock()
	for _, r := range refs {
		if old, ok := s.refs[r.String()]; ok && old != id {
			report(Progress{Line: fmt.Sprintf("The image %s already exists, renaming the old one with ID %s to empty string", reference.FamiliarString(r), old)})
		}
	}
	s.mu.RUnlock()
	img, err := s.add(ctx, n)
	if err != nil {
		return err
	}
	s.publish(ctx, events.ActionLoad, img.ID, img.ID, img.Config.Config.Labels)
	if len(refs) == 0 {
		report(Progress{Line: "Loaded image ID: " + img.ID})
	}
	for _, r := range refs {
		report(Progress{Line: "Loaded image: " + reference.FamiliarString(r)})
	}
	return nil
}

// reuseLayer returns a stored layer with the same blob digest, or (when
// byDiffID, for archives without a manifest to keep) the same diff ID, as
// dockerd skips layers it has.
func (s *Store) reuseLayer(diffID, digest string, byDiffID bool) (Layer, func(), bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.images {
		for _, l := range e.rec.Layers {
			if l.DiffID == diffID && (l.Digest == digest || byDiffID) {
				return l, s.blobs.pin(l.Digest), true
			}
		}
	}
	return Layer{}, nil, false
}

// loadLayer stores the layer file at l.URLs[0], reporting dockerd's
// "Loading layer" progress under the short diff ID.
func (s *Store) loadLayer(ctx context.Context, root *os.Root, l ocispec.Descriptor, short string, report func(Progress)) (Layer, func(), error) {
	f, err := root.Open(l.URLs[0])
	if err != nil {
		return Layer{}, nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image archive: layer %s: %v", l.URLs[0], err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Layer{}, nil, err
	}
	pr := &progressReader{r: f, total: fi.Size(), every: 100 * time.Millisecond, report: func(n int64) {
		report(Progress{ID: short, Status: "Loading layer", Layer: true, Current: n, Total: fi.Size()})
	}}
	return s.storeLayerBlob(ctx, pr, string(l.Digest), l.MediaType)
}

func readArchiveFile(root *os.Root, name string) ([]byte, error) {
	p, err := layer.CleanPath(name)
	if err != nil {
		return nil, err
	}
	data, err := root.ReadFile(path.Clean(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image archive: %s not found", name))
	}
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image archive: %s: %v", name, err))
	}
	return data, nil
}
