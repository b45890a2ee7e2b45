package rootfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

func getArchive(t *testing.T, f *FS, p string) ([]byte, wire.Stat) {
	t.Helper()
	var buf bytes.Buffer
	var st wire.Stat
	must(t, f.GetArchive(t.Context(), p, &buf, func(s wire.Stat) error { st = s; return nil }))
	return buf.Bytes(), st
}

// listing describes every entry of a tree: mode, link target or content.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	must(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		must(t, err)
		fi, err := d.Info()
		must(t, err)
		rel, _ := filepath.Rel(dir, p)
		desc := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			desc += " -> " + l
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			desc += " " + string(b)
		}
		out[rel] = desc
		return nil
	}))
	return out
}

func TestArchiveRoundTrip(t *testing.T) {
	src, srcRoot := newTree(t)
	tree := filepath.Join(srcRoot, "tree")
	must(t, os.MkdirAll(filepath.Join(tree, "sub"), 0o750))
	must(t, os.WriteFile(filepath.Join(tree, "sub", "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	must(t, os.Chmod(filepath.Join(tree, "sub", "run.sh"), 0o4755))
	must(t, os.WriteFile(filepath.Join(tree, "ro"), []byte("ro"), 0o400))
	must(t, os.Link(filepath.Join(tree, "ro"), filepath.Join(tree, "hard")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(tree, "abs")))
	must(t, os.Symlink("sub/run.sh", filepath.Join(tree, "relative")))

	tarball, st := getArchive(t, src, "/tree")
	if st.Name != "tree" || !fs.FileMode(st.Mode).IsDir() {
		t.Fatalf("stat = %+v", st)
	}
	dst, dstRoot := newTree(t)
	must(t, dst.PutArchive(t.Context(), "/dir", bytes.NewReader(tarball), ExtractOptions{}))
	if d := cmp.Diff(listing(t, tree), listing(t, filepath.Join(dstRoot, "dir", "tree"))); d != "" {
		t.Errorf("tree changed in the round trip (-want +got):\n%s", d)
	}
	a, _ := os.Stat(filepath.Join(dstRoot, "dir", "tree", "ro"))
	b, _ := os.Stat(filepath.Join(dstRoot, "dir", "tree", "hard"))
	if !os.SameFile(a, b) {
		t.Errorf("hard link became a copy")
	}
}

func TestSymlinkArchivedAsLink(t *testing.T) {
	f, _ := newTree(t)
	tarball, st := getArchive(t, f, "/etc-link")
	if st.LinkTarget != "/etc/passwd" {
		t.Errorf("LinkTarget = %q", st.LinkTarget)
	}
	tr := tar.NewReader(bytes.NewReader(tarball))
	hdr, err := tr.Next()
	must(t, err)
	if hdr.Typeflag != tar.TypeSymlink || hdr.Name != "etc-link" {
		t.Errorf("entry = %q type %c", hdr.Name, hdr.Typeflag)
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("more than one entry: %v", err)
	}
}

func TestEscapesRefused(t *testing.T) {
	f, root := newTree(t)
	top := filepath.Dir(root)
	for _, p := range []string{"/etc-link/", "/out/", "/dir/up/outside", "/../outside", "../../outside"} {
		if _, err := f.Stat(p); !errdefs.IsNotFound(err) {
			t.Errorf("Stat(%q) = %v, want not found", p, err)
		}
		if err := f.GetArchive(t.Context(), p, io.Discard, func(wire.Stat) error { return nil }); !errdefs.IsNotFound(err) {
			t.Errorf("GetArchive(%q) = %v, want not found", p, err)
		}
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	entries := []tar.Header{
		{Name: "../../evil1", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1},
		{Name: "/../evil2", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1},
		{Name: "esc", Typeflag: tar.TypeSymlink, Linkname: "../../.."},
		{Name: "esc/evil3", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1},
		{Name: "hard", Typeflag: tar.TypeLink, Linkname: "../../outside"},
	}
	for _, h := range entries {
		must(t, tw.WriteHeader(&h))
		if h.Size > 0 {
			tw.Write([]byte("x"))
		}
	}
	must(t, tw.Close())
	// The hard link to ../../outside resolves to /outside inside the root,
	// which does not exist: the extraction fails there, after the rest.
	err := f.PutArchive(t.Context(), "/dir/up", &buf, ExtractOptions{})
	if !errdefs.IsNotFound(err) {
		t.Errorf("PutArchive = %v, want not found for the hard link", err)
	}
	for _, name := range []string{"evil1", "evil2", "evil3", "../evil1"} {
		if _, err := os.Lstat(filepath.Join(top, name)); err == nil {
			t.Errorf("%s was written outside the root", name)
		}
		if _, err := os.Lstat(filepath.Join(root, name)); err != nil && name != "../evil1" {
			t.Errorf("%s is not inside the root: %v", name, err)
		}
	}
}

func TestPutArchiveErrors(t *testing.T) {
	f, _ := newTree(t)
	if err := f.PutArchive(t.Context(), "/nope", bytes.NewReader(nil), ExtractOptions{}); !errdefs.IsNotFound(err) {
		t.Errorf("missing destination: %v", err)
	}
	if err := f.PutArchive(t.Context(), "/dir/file", bytes.NewReader(nil), ExtractOptions{}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("file destination: %v", err)
	}
	if err := f.PutArchive(t.Context(), "/dir", bytes.NewReader([]byte("not a tar archive at all, clearly")), ExtractOptions{}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("garbage: %v", err)
	}
}
