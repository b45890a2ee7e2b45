package imagestore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/errdefs"
)

// The layer cache keeps the uncompressed tar of compressed layer blobs under
// dir/layers/<diff ID hex>, written on a layer's first unpack, so repeated
// container creates do not decompress again. Layers stored uncompressed
// (imports) are read from their blob. Entries are content addressed and
// verified when written; a crash leaves only a temporary file.

func (s *Store) layerCachePath(diffID string) string {
	return filepath.Join(s.dir, "layers", hexOf(diffID))
}

// openLayer returns the uncompressed tar of l.
func (s *Store) openLayer(l Layer) (io.ReadCloser, error) {
	if l.Digest == l.DiffID || !validDigest(l.DiffID) {
		f, err := s.blobs.open(l.Digest)
		if err != nil {
			return nil, err
		}
		rd, err := decompress(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		return readCloser{rd, f}, nil
	}
	p := s.layerCachePath(l.DiffID)
	if f, err := os.Open(p); err == nil {
		return f, nil
	}
	if err := s.fillLayerCache(l, p); err != nil {
		return nil, err
	}
	return os.Open(p)
}

// fillLayerCache decompresses the blob of l into the cache file p.
func (s *Store) fillLayerCache(l Layer, p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := s.blobs.open(l.Digest)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := decompress(f)
	if err != nil {
		return err
	}
	defer rd.Close()
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-layer-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(tmp, h), rd)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("decompress layer %s: %w", l.Digest, err)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != l.DiffID {
		return errdefs.ErrDataLoss.WithMessage(fmt.Sprintf("layer %s: diff ID %s, expected %s", l.Digest, got, l.DiffID))
	}
	// No fsync: the cache is rebuilt from the blob if a crash loses it,
	// and a torn file is never renamed into place.
	return os.Rename(tmp.Name(), p)
}

// dropLayerCache removes cached layers no image uses; callers hold mu.
func (s *Store) dropLayerCache() error {
	used := map[string]bool{}
	for _, e := range s.images {
		for _, l := range e.rec.Layers {
			used[hexOf(l.DiffID)] = true
		}
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "layers"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !used[e.Name()] || strings.HasPrefix(e.Name(), ".tmp-") {
			if err := os.Remove(filepath.Join(s.dir, "layers", e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }
