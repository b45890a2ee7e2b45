package imagestore

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore/changes"
)

// ImportOptions are the parameters of docker import.
type ImportOptions struct {
	// Ref names the new image; nil leaves it untagged.
	Ref reference.Named
	// Changes are Dockerfile instructions applied to the configuration.
	Changes []string
	// Message is the commit message; empty means "Imported from <Source>".
	Message string
	// Source is where the tar came from, "-" for the request body.
	Source string
	// Platform is the image's platform; zero means linux and the daemon's
	// architecture.
	Platform ocispec.Platform
}

// Import creates a single-layer image from a root file system tar (plain or
// compressed), as POST /images/create?fromSrc= does.
func (s *Store) Import(ctx context.Context, r io.Reader, opts ImportOptions) (Image, error) {
	var cfg dockerspec.DockerOCIImageConfig
	if err := changes.Apply(&cfg, opts.Changes); err != nil {
		return Image{}, err
	}
	layer, unpin, err := s.storeLayerTar(ctx, r)
	if err != nil {
		return Image{}, err
	}
	n := &newImage{unpins: []func(){unpin}, rec: record{Layers: []Layer{layer}}}
	defer n.release()
	comment := opts.Message
	if comment == "" {
		comment = "Imported from " + opts.Source
	}
	now := time.Now().UTC()
	plat := opts.Platform
	if plat.OS == "" {
		plat.OS = "linux"
	}
	if plat.Architecture == "" {
		plat.Architecture = runtime.GOARCH
	}
	img := configJSON{
		DockerOCIImage: dockerspec.DockerOCIImage{
			Image: ocispec.Image{
				Created:  &now,
				Platform: plat,
				RootFS:   ocispec.RootFS{Type: "layers", DiffIDs: digests(layer.DiffID)},
				History:  []ocispec.History{{Created: &now, Comment: comment}},
			},
			Config: cfg,
		},
		Comment: comment,
	}
	if n.config, err = json.Marshal(img); err != nil {
		return Image{}, err
	}
	if opts.Ref != nil {
		n.refs = []reference.Named{opts.Ref}
	}
	out, err := s.add(ctx, n)
	if err != nil {
		return Image{}, err
	}
	if opts.Ref != nil {
		// As dockerd's import: the tag, then the import.
		s.publish(ctx, events.ActionTag, out.ID, reference.FamiliarString(opts.Ref), out.Config.Config.Labels)
	}
	s.publish(ctx, events.ActionImport, out.ID, out.ID, out.Config.Config.Labels)
	return out, nil
}

// configJSON is the config blob the store writes: the OCI/Docker image
// configuration plus dockerd's "comment".
type configJSON struct {
	dockerspec.DockerOCIImage
	Comment string `json:"comment,omitempty"`
	// Container is the container a commit was made from.
	Container string `json:"container,omitempty"`
}

// storeLayerTar stores the uncompressed form of a layer tar as a blob, so
// the blob digest is the diff ID, and measures it. The tar must be valid.
func (s *Store) storeLayerTar(ctx context.Context, r io.Reader) (Layer, func(), error) {
	rd, err := decompress(r)
	if err != nil {
		return Layer{}, nil, err
	}
	defer rd.Close()
	w, err := s.blobs.create()
	if err != nil {
		return Layer{}, nil, err
	}
	defer w.cancel()
	tee := io.TeeReader(rd, w)
	unpacked, err := measureTar(ctx, tee)
	if err != nil {
		return Layer{}, nil, err
	}
	// Keep trailing padding: the blob must be the stream as it came.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return Layer{}, nil, fmt.Errorf("read layer: %w", err)
	}
	d, size, unpin, err := w.commit("")
	if err != nil {
		return Layer{}, nil, err
	}
	return Layer{Digest: d, MediaType: mediaTypeLayerTar, Size: size, DiffID: d, Unpacked: unpacked}, unpin, nil
}

// measureTar reads a layer tar to its end and returns its size as dockerd
// reports it: regular files and symbolic link targets, hard links once.
func measureTar(ctx context.Context, r io.Reader) (int64, error) {
	tr := tar.NewReader(r)
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return size, nil
		}
		if err != nil {
			return 0, errdefs.ErrInvalidArgument.WithMessage("Error processing tar file: " + err.Error())
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
			size += hdr.Size
		case tar.TypeSymlink:
			size += int64(len(hdr.Linkname))
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return 0, errdefs.ErrInvalidArgument.WithMessage("Error processing tar file: " + err.Error())
		}
	}
}

func digests(ds ...string) []digestT {
	out := make([]digestT, len(ds))
	for i, d := range ds {
		out[i] = digestT(d)
	}
	return out
}

// digestT is the OCI digest type.
type digestT = godigest.Digest
