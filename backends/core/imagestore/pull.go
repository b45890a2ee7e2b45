package imagestore

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/moby/api/types/events"
	registrytypes "github.com/moby/moby/api/types/registry"
	"golang.org/x/sync/errgroup"

	"github.com/sockerless/sockerless/backends/core/registry"
)

// PullOptions are the parameters of a pull.
type PullOptions struct {
	// Platform selects the image of a multi-platform index; zero means
	// linux and the daemon's architecture.
	Platform Platform
	// Auth are the credentials of the request (X-Registry-Auth); without
	// them the daemon user's docker configuration is used.
	Auth registrytypes.AuthConfig
}

// Progress is one step of a pull, push or load, reported in dockerd's terms: ID is the
// tag ("Pulling from"), a short layer digest, or empty for the final lines.
type Progress struct {
	ID     string
	Status string
	// Line is a message of its own ({"stream": line}), as docker load sends.
	Line string
	// Layer is set for per-layer lines, which carry progressDetail.
	Layer          bool
	Current, Total int64
}

// downloadJobs is how many layers download at once, dockerd's default of
// max-concurrent-downloads.
const downloadJobs = 3

// Pull fetches ref from its registry (Docker Hub mirrors first) into the
// store and tags it. Nothing is reported before the manifest is found, so
// that a missing image fails the request itself, as with dockerd.
func (s *Store) Pull(ctx context.Context, ref reference.Named, opts PullOptions, report func(Progress)) (Image, error) {
	if _, ok := ref.(reference.Canonical); !ok {
		ref = reference.TagNameOnly(ref)
	}
	if reference.FamiliarName(ref) == "scratch" {
		return Image{}, errdefs.ErrPermissionDenied.WithMessage("'scratch' is a reserved name")
	}
	plat := opts.Platform
	if plat.OS == "" {
		plat.OS = "linux"
	}
	if plat.Architecture == "" {
		plat.Architecture = runtime.GOARCH
	}
	endpoints, err := registry.Endpoints(ref, s.opts.Mirrors, s.opts.Insecure)
	if err != nil {
		return Image{}, err
	}
	ropts := remoteOptions(ctx, opts.Auth)
	var desc *remote.Descriptor
	for i, ep := range endpoints {
		desc, err = remote.Get(ep, ropts...)
		if err == nil || ctx.Err() != nil || i == len(endpoints)-1 {
			break
		}
	}
	if err != nil {
		return Image{}, registry.TranslateError(err, ref)
	}
	img, manifest, err := pickImage(desc, plat)
	if err != nil {
		return Image{}, err
	}
	if opts.Platform.OS != "" && !desc.MediaType.IsIndex() {
		if err := checkPlatform(ref, img, plat); err != nil {
			return Image{}, err
		}
	}
	return s.pullImage(ctx, ref, desc.Digest.String(), img, manifest, report)
}

// pickImage returns the image of desc for plat, with its raw manifest.
func pickImage(desc *remote.Descriptor, plat Platform) (v1.Image, v1.Descriptor, error) {
	if !desc.MediaType.IsIndex() {
		img, err := desc.Image()
		return img, desc.Descriptor, err
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, v1.Descriptor{}, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, v1.Descriptor{}, err
	}
	for _, m := range im.Manifests {
		p := m.Platform
		if p != nil && p.OS == plat.OS && p.Architecture == plat.Architecture && (plat.Variant == "" || p.Variant == plat.Variant) {
			img, err := idx.Image(m.Digest)
			return img, m, err
		}
	}
	return nil, v1.Descriptor{}, errdefs.ErrNotFound.WithMessage("no matching manifest for " + platformString(plat) + " in the manifest list entries")
}

// userAgent identifies the daemon to registries.
const userAgent = "sockerless"

// remoteOptions are the registry client options of a pull or push.
func remoteOptions(ctx context.Context, auth registrytypes.AuthConfig) []remote.Option {
	return []remote.Option{
		remote.WithContext(ctx), remote.WithAuthFromKeychain(registry.Keychain(auth)),
		remote.WithUserAgent(userAgent),
	}
}

// checkPlatform refuses a single-platform image that is not the platform
// the client asked for, as dockerd does.
func checkPlatform(ref reference.Named, img v1.Image, want Platform) error {
	cf, err := img.ConfigFile()
	if err != nil {
		return registry.TranslateError(err, ref)
	}
	got := Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
	if got.OS == want.OS && got.Architecture == want.Architecture && (want.Variant == "" || got.Variant == want.Variant) {
		return nil
	}
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
		reference.FamiliarString(ref), platformString(want), platformString(got)))
}

func platformString(p Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

func (s *Store) pullImage(ctx context.Context, ref reference.Named, topDigest string, img v1.Image, mdesc v1.Descriptor, report func(Progress)) (Image, error) {
	rawManifest, err := img.RawManifest()
	if err != nil {
		return Image{}, registry.TranslateError(err, ref)
	}
	rawConfig, err := img.RawConfigFile()
	if err != nil {
		return Image{}, registry.TranslateError(err, ref)
	}
	layers, err := img.Layers()
	if err != nil {
		return Image{}, registry.TranslateError(err, ref)
	}
	id := "sha256:" + sha256Hex(rawConfig)
	tagID := reference.FamiliarName(ref)
	if t, ok := ref.(reference.NamedTagged); ok {
		tagID = t.Tag()
	} else if c, ok := ref.(reference.Canonical); ok {
		tagID = c.Digest().String()
	}
	report(Progress{ID: tagID, Status: "Pulling from " + reference.Path(ref)})

	n := &newImage{config: rawConfig, rec: record{Layers: make([]Layer, len(layers))}}
	defer n.release()
	s.mu.RLock()
	if e := s.images[id]; e != nil {
		// dockerd finds the config first and fetches no layer of an image
		// it has; pin the blobs so a concurrent delete keeps them.
		for _, l := range e.rec.Layers {
			n.unpins = append(n.unpins, s.blobs.pin(l.Digest))
		}
		copy(n.rec.Layers, e.rec.Layers)
		layers = nil
	}
	s.mu.RUnlock()
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(downloadJobs)
	// As dockerd: every layer is announced, those beyond the download slots
	// wait, and "Pull complete" comes in layer order.
	type job struct {
		i            int
		l            v1.Layer
		digest, name string
	}
	var jobs []job
	done := make([]chan struct{}, len(layers))
	for i, l := range layers {
		done[i] = make(chan struct{})
		d, err := l.Digest()
		if err != nil {
			return Image{}, err
		}
		short := shortID(d.String())
		if known, ok := s.knownLayer(d.String()); ok {
			unpin := s.blobs.pin(known.Digest)
			if s.blobs.has(known.Digest) {
				n.unpins = append(n.unpins, unpin)
				n.rec.Layers[i] = known
				report(Progress{ID: short, Status: "Already exists", Layer: true})
				close(done[i])
				continue
			}
			unpin()
		}
		report(Progress{ID: short, Status: "Pulling fs layer", Layer: true})
		jobs = append(jobs, job{i, l, d.String(), short})
	}
	for k, j := range jobs {
		if k >= downloadJobs {
			report(Progress{ID: j.name, Status: "Waiting", Layer: true})
		}
	}
	for _, j := range jobs {
		g.Go(func() error {
			layer, unpin, err := s.downloadLayer(gctx, j.l, j.digest, j.name, report)
			if err != nil {
				return registry.TranslateError(err, ref)
			}
			mu.Lock()
			n.unpins = append(n.unpins, unpin)
			n.rec.Layers[j.i] = layer
			mu.Unlock()
			if j.i > 0 {
				select {
				case <-done[j.i-1]:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			report(Progress{ID: j.name, Status: "Pull complete", Layer: true})
			close(done[j.i])
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Image{}, err
	}
	d, unpin, err := s.blobs.put(rawManifest)
	if err != nil {
		return Image{}, err
	}
	n.unpins = append(n.unpins, unpin)
	n.rec.Manifest, n.rec.ManifestMT = d, string(mdesc.MediaType)
	if n.rec.ManifestMT == "" {
		n.rec.ManifestMT = mediaTypeManifest
	}

	s.mu.RLock()
	upToDate := s.refs[ref.String()] == id
	s.mu.RUnlock()
	canonical, err := reference.WithDigest(reference.TrimNamed(ref), digestT(topDigest))
	if err != nil {
		return Image{}, err
	}
	n.refs = []reference.Named{canonical}
	if _, ok := ref.(reference.Canonical); !ok {
		n.refs = append(n.refs, ref)
	}
	out, err := s.add(ctx, n)
	if err != nil {
		return Image{}, err
	}
	report(Progress{Status: "Digest: " + topDigest})
	if upToDate {
		report(Progress{Status: "Status: Image is up to date for " + reference.FamiliarString(ref)})
	} else {
		report(Progress{Status: "Status: Downloaded newer image for " + reference.FamiliarString(ref)})
	}
	s.publish(ctx, events.ActionPull, reference.FamiliarString(ref), reference.FamiliarName(ref), out.Config.Config.Labels)
	return out, nil
}

// knownLayer returns the record of a layer blob some image already has.
func (s *Store) knownLayer(digest string) (Layer, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.images {
		for _, l := range e.rec.Layers {
			if l.Digest == digest {
				return l, true
			}
		}
	}
	return Layer{}, false
}

// downloadLayer stores one compressed layer, reporting its progress.
func (s *Store) downloadLayer(ctx context.Context, l v1.Layer, digest, short string, report func(Progress)) (Layer, func(), error) {
	size, err := l.Size()
	if err != nil {
		return Layer{}, nil, err
	}
	mt, err := l.MediaType()
	if err != nil {
		return Layer{}, nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return Layer{}, nil, err
	}
	defer rc.Close()
	pr := &progressReader{r: rc, total: size, every: 100 * time.Millisecond, report: func(cur int64) {
		report(Progress{ID: short, Status: "Downloading", Layer: true, Current: cur, Total: size})
	}}
	layer, unpin, err := s.storeLayerBlob(ctx, pr, digest, string(mt))
	if err != nil {
		return Layer{}, nil, err
	}
	report(Progress{ID: short, Status: "Verifying Checksum", Layer: true})
	report(Progress{ID: short, Status: "Download complete", Layer: true})
	return layer, unpin, nil
}

// progressReader reports how much was read, at most once per every.
type progressReader struct {
	r      io.Reader
	total  int64
	n      int64
	last   time.Time
	every  time.Duration
	report func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if now := time.Now(); n > 0 && (now.Sub(p.last) >= p.every || p.n == p.total) {
		p.last = now
		p.report(p.n)
	}
	return n, err
}
