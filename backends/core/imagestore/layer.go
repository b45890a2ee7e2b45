package imagestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// storeLayerBlob stores the layer blob r as it comes (compressed or not) and
// computes its diff ID and unpacked size on the way. want, when set, is the
// digest the blob must have; mediaType, when empty, is derived from the
// compression found. The blob is pinned until the returned func is called.
func (s *Store) storeLayerBlob(ctx context.Context, r io.Reader, want, mediaType string) (Layer, func(), error) {
	w, err := s.blobs.create()
	if err != nil {
		return Layer{}, nil, err
	}
	defer w.cancel()
	tee := io.TeeReader(r, w)
	rd, kind, err := layer.Decompress(tee)
	if err != nil {
		return Layer{}, nil, err
	}
	defer rd.Close()
	h := sha256.New()
	unpacked, err := measureTar(ctx, io.TeeReader(rd, h))
	if err != nil {
		return Layer{}, nil, err
	}
	// Drain what follows the tar's end marker, in both streams: the diff ID
	// covers the whole uncompressed stream, the blob the whole input.
	if _, err := io.Copy(h, rd); err != nil {
		return Layer{}, nil, fmt.Errorf("read layer: %w", err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return Layer{}, nil, fmt.Errorf("read layer: %w", err)
	}
	d, size, unpin, err := w.commit(want)
	if err != nil {
		return Layer{}, nil, err
	}
	if mediaType == "" {
		mediaType = kind
	}
	return Layer{
		Digest: d, MediaType: mediaType, Size: size,
		DiffID: "sha256:" + hex.EncodeToString(h.Sum(nil)), Unpacked: unpacked,
	}, unpin, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
