package imagestore_test

import (
	"strings"
	"testing"

	"github.com/distribution/reference"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"busybox", "busybox:local", "docker.io/library/busybox:local", "sha256:", "sha256:abc", "abc", "a@sha256:00", "BAD", "", "localhost:5000/x:y", "x/y/z@sha256:0000000000000000000000000000000000000000000000000000000000000000"} {
		f.Add(s)
	}
	s := open(f, f.TempDir(), imagestore.Options{})
	img := importBusybox(f, s, "localhost:5000/x:y")
	f.Fuzz(func(t *testing.T, ref string) {
		got, err := s.Resolve(t.Context(), ref)
		if err != nil {
			return
		}
		// Only the image's tag (however spelled) or its ID resolve.
		named, perr := reference.ParseNormalizedNamed(ref)
		byName := perr == nil && reference.TagNameOnly(named).String() == "localhost:5000/x:y"
		byID := strings.HasPrefix(img.ID, ref) || strings.HasPrefix(img.ID[7:], ref)
		if got.ID != img.ID || !(byName || byID) {
			t.Fatalf("Resolve(%q) = %s", ref, got.ID)
		}
	})
}
