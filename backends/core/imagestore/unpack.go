package imagestore

import (
	"context"
	"fmt"
	"os"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// Unpack extracts every layer of imageID, bottom first, into dir (created
// when missing), honouring whiteouts, with [layer.Apply]: nothing is ever
// written outside dir. Modes, ownership (when the process may chown),
// symbolic and hard links are kept; device nodes are skipped. Each call
// writes a private copy: containers never share files. Compressed layers
// are decompressed once and cached for the next unpack.
func (s *Store) Unpack(ctx context.Context, imageID, dir string) error {
	s.mu.RLock()
	e, err := s.lookup(imageID)
	var layers []Layer
	var unpins []func()
	if err == nil {
		layers = e.rec.Layers
		for _, l := range layers {
			unpins = append(unpins, s.blobs.pin(l.Digest))
		}
	}
	s.mu.RUnlock()
	defer func() {
		for _, u := range unpins {
			u()
		}
	}()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("unpack %s: %w", imageID, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", imageID, err)
	}
	defer root.Close()
	for _, l := range layers {
		if err := s.applyLayer(ctx, root, l); err != nil {
			return fmt.Errorf("unpack %s: layer %s: %w", imageID, l.Digest, err)
		}
	}
	return nil
}

func (s *Store) applyLayer(ctx context.Context, root *os.Root, l Layer) error {
	rd, err := s.openLayer(l)
	if err != nil {
		return err
	}
	defer rd.Close()
	return layer.Apply(ctx, root, rd)
}
