package imagestore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// recorder is a Publisher that keeps the events.
type recorder struct {
	mu   sync.Mutex
	msgs []events.Message
}

func (r *recorder) Publish(_ context.Context, m events.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

func (r *recorder) actions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		out = append(out, string(m.Action))
	}
	return out
}

func open(t testing.TB, dir string, opts imagestore.Options) *imagestore.Store {
	t.Helper()
	s, err := imagestore.Open(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func importBusybox(t testing.TB, s *imagestore.Store, ref string, changes ...string) imagestore.Image {
	t.Helper()
	opts := imagestore.ImportOptions{Source: "-", Changes: changes}
	if ref != "" {
		named, err := reference.ParseNormalizedNamed(ref)
		if err != nil {
			t.Fatal(err)
		}
		opts.Ref = reference.TagNameOnly(named)
	}
	img, err := s.Import(t.Context(), bytes.NewReader(imagestoretest.RootFS(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestImportResolve(t *testing.T) {
	rec := &recorder{}
	s := open(t, t.TempDir(), imagestore.Options{Events: rec})
	img := importBusybox(t, s, "busybox:local", `CMD ["sh"]`, "ENV A=b")
	if img.Size != imagestoretest.RootFSSize(t) {
		t.Errorf("size = %d, want %d", img.Size, imagestoretest.RootFSSize(t))
	}
	if !slices.Equal(img.Config.Config.Cmd, []string{"sh"}) || !slices.Equal(img.Config.Config.Env, []string{"A=b"}) {
		t.Errorf("config = %+v", img.Config.Config)
	}
	if len(img.Config.RootFS.DiffIDs) != 1 || string(img.Config.RootFS.DiffIDs[0]) != img.Layers[0].DiffID {
		t.Errorf("diff ids = %v, layers %+v", img.Config.RootFS.DiffIDs, img.Layers)
	}
	hex := img.ID[7:]
	for _, ref := range []string{"busybox:local", "docker.io/library/busybox:local", "library/busybox:local", img.ID, hex, hex[:12], "sha256:" + hex[:5]} {
		got, err := s.Resolve(t.Context(), ref)
		if err != nil {
			t.Errorf("Resolve(%q): %v", ref, err)
			continue
		}
		if got.ID != img.ID || !slices.Equal(got.RepoTags, []string{"busybox:local"}) {
			t.Errorf("Resolve(%q) = %s %v", ref, got.ID, got.RepoTags)
		}
	}
	errs := []struct {
		ref  string
		want func(error) bool
		msg  string
	}{
		{"busybox", errdefs.IsNotFound, "No such image: busybox:latest"},
		{"nope:1", errdefs.IsNotFound, "No such image: nope:1"},
		{"sha256:abc", errdefs.IsNotFound, "No such image: sha256:abc"},
		{"BAD", errdefs.IsInvalidArgument, "invalid reference format: repository name (library/BAD) must be lowercase"},
		{"", errdefs.IsInvalidArgument, "invalid reference format"},
	}
	for _, tc := range errs {
		_, err := s.Resolve(t.Context(), tc.ref)
		if !tc.want(err) || err.Error() != tc.msg {
			t.Errorf("Resolve(%q) = %v, want %q", tc.ref, err, tc.msg)
		}
	}
	if got := rec.actions(); !slices.Equal(got, []string{"tag", "import"}) { // as dockerd: the tag, then the import
		t.Errorf("events = %v", got)
	}
	if l := s.List(t.Context()); len(l) != 1 || l[0].ID != img.ID {
		t.Errorf("List = %+v", l)
	}
}

func TestImportSameContentSameID(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	a := importBusybox(t, s, "a:1")
	b := importBusybox(t, s, "b:1")
	if a.Layers[0].Digest != b.Layers[0].Digest {
		t.Errorf("layers differ: %s %s", a.Layers[0].Digest, b.Layers[0].Digest)
	}
}

func TestTag(t *testing.T) {
	rec := &recorder{}
	s := open(t, t.TempDir(), imagestore.Options{Events: rec})
	img := importBusybox(t, s, "")
	if err := s.Tag(t.Context(), img.ID, "example.com/x/y:v1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Resolve(t.Context(), "example.com/x/y:v1")
	if err != nil || got.ID != img.ID || got.LastTagTime.IsZero() {
		t.Fatalf("Resolve = %+v, %v", got, err)
	}
	for _, bad := range []string{"a@sha256:" + img.ID[7:], "UPPER", "x:"} {
		if err := s.Tag(t.Context(), img.ID, bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Tag(%q) = %v", bad, err)
		}
	}
	if err := s.Tag(t.Context(), "nope", "a"); !errdefs.IsNotFound(err) {
		t.Errorf("Tag(nope) = %v", err)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, imagestore.Options{})
	img := importBusybox(t, s, "busybox:local")
	// What a crash can leave: a temporary blob, a blob nobody uses, a
	// reference to a missing image, an image record whose blob is gone.
	blobs := filepath.Join(dir, "blobs", "sha256")
	mustWrite(t, filepath.Join(blobs, ".tmp-blob-123"), "partial")
	orphan := filepath.Join(blobs, "0000000000000000000000000000000000000000000000000000000000000000")
	mustWrite(t, orphan, "orphan")
	if err := os.MkdirAll(filepath.Join(dir, ".tmp-load-1"), 0o700); err != nil {
		t.Fatal(err)
	}

	s2 := open(t, dir, imagestore.Options{})
	got, err := s2.Resolve(t.Context(), "busybox:local")
	if err != nil || got.ID != img.ID || got.Size != img.Size {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	for _, p := range []string{filepath.Join(blobs, ".tmp-blob-123"), orphan, filepath.Join(dir, ".tmp-load-1")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived Open: %v", p, err)
		}
	}

	// Losing the layer blob drops the image and its tag.
	if err := os.Remove(filepath.Join(blobs, img.Layers[0].Digest[7:])); err != nil {
		t.Fatal(err)
	}
	s3 := open(t, dir, imagestore.Options{})
	if _, err := s3.Resolve(t.Context(), "busybox:local"); !errdefs.IsNotFound(err) {
		t.Errorf("image with a missing layer resolved: %v", err)
	}
	if _, err := os.Stat(filepath.Join(blobs, img.ID[7:])); !os.IsNotExist(err) {
		t.Errorf("config of a dropped image survived: %v", err)
	}
}

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
