package imagestore_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// TestConcurrent runs writers and readers at once; -race checks the
// locking, and every operation must succeed or fail cleanly.
func TestConcurrent(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	base := importBusybox(t, s, "base:1")
	var g errgroup.Group
	for w := range 3 {
		g.Go(func() error {
			for i := range 3 {
				img := importBusybox(t, s, fmt.Sprintf("w%d:%d", w, i), fmt.Sprintf("CMD %d-%d", w, i))
				if err := s.Tag(t.Context(), img.ID, fmt.Sprintf("tagged%d:%d", w, i)); err != nil {
					return err
				}
				if err := s.Unpack(t.Context(), img.ID, filepath.Join(t.TempDir(), "r")); err != nil {
					return err
				}
				if _, err := s.Delete(t.Context(), img.ID, true, false); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		for range 5 {
			s.List(t.Context())
			if err := s.Save(t.Context(), io.Discard, []string{"base:1"}); err != nil {
				return err
			}
			if err := s.Tag(t.Context(), base.ID, "base:2"); err != nil {
				return err
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if l := s.List(t.Context()); len(l) != 1 || l[0].ID != base.ID {
		t.Errorf("left %d images", len(l))
	}
}
