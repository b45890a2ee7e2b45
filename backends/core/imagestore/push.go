package imagestore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/moby/api/types/events"
	registrytypes "github.com/moby/moby/api/types/registry"

	"github.com/sockerless/sockerless/backends/core/registry"
)

// PushResult is what dockerd reports in the aux message of a push.
type PushResult struct {
	Tag    string
	Digest string
	Size   int
}

// Push uploads the images tagged ref (every tag of its repository when ref
// has none) to their registry: docker push. Like dockerd, it reports the
// repository first, so every failure is reported after progress started. Layers go as stored, with the
// stored manifest when the image came from a registry, else an OCI
// manifest made from the record.
func (s *Store) Push(ctx context.Context, ref reference.Named, auth registrytypes.AuthConfig, report func(Progress), result func(PushResult)) error {
	report(Progress{Status: "The push refers to repository [" + ref.Name() + "]"})
	tags := s.tagsToPush(ref)
	if len(tags) == 0 {
		return errdefs.ErrNotFound.WithMessage("An image does not exist locally with the tag: " + reference.FamiliarName(ref))
	}
	ropts := remoteOptions(ctx, auth)
	for _, tag := range tags {
		if err := s.pushTag(ctx, tag, ropts, report, result); err != nil {
			return registry.TranslatePushError(err)
		}
	}
	return nil
}

// tagsToPush lists ref, or all tags of its repository.
func (s *Store) tagsToPush(ref reference.Named) []reference.NamedTagged {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t, ok := ref.(reference.NamedTagged); ok {
		if _, ok := s.refs[t.String()]; ok {
			return []reference.NamedTagged{t}
		}
		return nil
	}
	var out []reference.NamedTagged
	for r := range s.refs {
		named, err := reference.ParseNormalizedNamed(r)
		if t, ok := named.(reference.NamedTagged); err == nil && ok && named.Name() == ref.Name() {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b reference.NamedTagged) int { return compareStrings(a.Tag(), b.Tag()) })
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Store) pushTag(ctx context.Context, tag reference.NamedTagged, ropts []remote.Option, report func(Progress), result func(PushResult)) error {
	s.mu.RLock()
	e := s.images[s.refs[tag.String()]]
	var unpins []func()
	if e != nil {
		for _, d := range append(layerDigests(e.rec.Layers), e.rec.ID, e.rec.Manifest) {
			if d != "" {
				unpins = append(unpins, s.blobs.pin(d))
			}
		}
	}
	s.mu.RUnlock()
	defer func() {
		for _, u := range unpins {
			u()
		}
	}()
	if e == nil {
		return errdefs.ErrNotFound.WithMessage("An image does not exist locally with the tag: " + reference.FamiliarString(tag))
	}
	mt, rawManifest, err := s.manifest(e)
	if err != nil {
		return err
	}
	eps, err := registry.Endpoints(tag, nil, s.opts.Insecure)
	if err != nil {
		return err
	}
	dst := eps[len(eps)-1]
	for _, l := range e.rec.Layers {
		report(Progress{ID: shortID(l.DiffID), Status: "Preparing", Layer: true})
	}
	for _, l := range e.rec.Layers {
		if err := s.pushLayer(ctx, dst.Context(), l, ropts, report); err != nil {
			return err
		}
	}
	config, err := s.blobs.read(e.rec.ID)
	if err != nil {
		return err
	}
	var m struct {
		Config struct{ MediaType string } `json:"config"`
	}
	_ = json.Unmarshal(rawManifest, &m)
	if err := remote.WriteLayer(dst.Context(), static.NewLayer(config, types.MediaType(m.Config.MediaType)), ropts...); err != nil {
		return err
	}
	if err := remote.Put(dst, rawManifestOf{raw: rawManifest, mt: types.MediaType(mt)}, ropts...); err != nil {
		return err
	}
	digest := "sha256:" + sha256Hex(rawManifest)
	report(Progress{Status: fmt.Sprintf("%s: digest: %s size: %d", tag.Tag(), digest, len(rawManifest))})
	result(PushResult{Tag: tag.Tag(), Digest: digest, Size: len(rawManifest)})
	if canonical, err := reference.WithDigest(reference.TrimNamed(tag), digestT(digest)); err == nil {
		s.mu.Lock()
		s.refs[canonical.String()] = e.rec.ID
		err := s.saveRefs()
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	s.publish(ctx, events.ActionPush, reference.FamiliarString(tag), reference.FamiliarName(tag), e.config.Config.Labels)
	return nil
}

// pushLayer uploads one layer blob unless the registry has it.
func (s *Store) pushLayer(ctx context.Context, repo name.Repository, l Layer, ropts []remote.Option, report func(Progress)) error {
	short := shortID(l.DiffID)
	sl := &storedLayer{s: s, l: l, report: func(n int64) {
		report(Progress{ID: short, Status: "Pushing", Layer: true, Current: n, Total: l.Size})
	}}
	layer, err := partial.CompressedToLayer(sl)
	if err != nil {
		return err
	}
	if err := remote.WriteLayer(repo, layer, ropts...); err != nil {
		return err
	}
	if sl.read == 0 && l.Size > 0 {
		report(Progress{ID: short, Status: "Layer already exists", Layer: true})
	} else {
		report(Progress{ID: short, Status: "Pushed", Layer: true})
	}
	return nil
}

// storedLayer is a layer blob of the store as a go-containerregistry
// compressed layer; read counts the bytes the upload took.
type storedLayer struct {
	s      *Store
	l      Layer
	read   int64
	report func(int64)
}

func (sl *storedLayer) Digest() (v1.Hash, error) { return v1.NewHash(sl.l.Digest) }
func (sl *storedLayer) Size() (int64, error)     { return sl.l.Size, nil }
func (sl *storedLayer) MediaType() (types.MediaType, error) {
	return types.MediaType(sl.l.MediaType), nil
}

func (sl *storedLayer) Compressed() (io.ReadCloser, error) {
	f, err := sl.s.blobs.open(sl.l.Digest)
	if err != nil {
		return nil, err
	}
	pr := &progressReader{r: f, total: sl.l.Size, every: 100 * time.Millisecond, report: func(n int64) {
		sl.read = n
		sl.report(n)
	}}
	return struct {
		io.Reader
		io.Closer
	}{pr, f}, nil
}

// rawManifestOf is a manifest to put as it is.
type rawManifestOf struct {
	raw []byte
	mt  types.MediaType
}

func (r rawManifestOf) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawManifestOf) MediaType() (types.MediaType, error) { return r.mt, nil }
