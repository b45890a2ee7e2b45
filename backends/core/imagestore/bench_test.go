package imagestore_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

func BenchmarkUnpack(b *testing.B) {
	s := open(b, b.TempDir(), imagestore.Options{})
	img := importBusybox(b, s, "busybox:local")
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.Unpack(b.Context(), img.ID, filepath.Join(dir, strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
}
