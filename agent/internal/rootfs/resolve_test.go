package rootfs

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// newTree builds a root with links that try to leave it:
//
//	/dir/file  /dir/up -> ../../..  /dir/abs -> /dir  /etc-link -> /etc/passwd
//	/loop -> /loop  /out -> ../outside  /rel -> dir/file
func newTree(t testing.TB) (*FS, string) {
	t.Helper()
	top := t.TempDir()
	root := filepath.Join(top, "root")
	must(t, os.MkdirAll(filepath.Join(root, "dir"), 0o755))
	must(t, os.WriteFile(filepath.Join(top, "outside"), []byte("secret"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "dir", "file"), []byte("inside"), 0o640))
	for name, target := range map[string]string{
		"dir/up": "../../..", "dir/abs": "/dir", "etc-link": "/etc/passwd",
		"loop": "/loop", "out": "../outside", "rel": "dir/file",
	} {
		must(t, os.Symlink(target, filepath.Join(root, name)))
	}
	f, err := Open(root)
	must(t, err)
	t.Cleanup(func() { f.Close() })
	return f, root
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var resolveTests = []struct {
	in     string
	follow bool
	want   string
}{
	{"/", true, "."},
	{"", true, "."},
	{"/dir/file", true, "dir/file"},
	{"dir/file", true, "dir/file"},
	{"/../../etc/passwd", true, "etc/passwd"},
	{"/dir/up/outside", true, "outside"},
	{"/dir/up", false, "dir/up"},
	{"/dir/up", true, "."},
	{"/dir/abs/file", true, "dir/file"},
	{"/etc-link", true, "etc/passwd"},
	{"/out", true, "outside"},
	{"/rel", true, "dir/file"},
	{"/rel/", true, "dir/file"},
	{"/missing/../dir/./file", true, "dir/file"},
	{"/dir/up/dir/up/dir/abs/../dir/file", true, "dir/file"},
}

func TestResolve(t *testing.T) {
	f, _ := newTree(t)
	for _, tc := range resolveTests {
		got, err := f.Resolve(tc.in, tc.follow)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q, %v) = %q, %v; want %q", tc.in, tc.follow, got, err, tc.want)
		}
	}
	if _, err := f.Resolve("/loop", true); err == nil {
		t.Errorf("Resolve(/loop) did not report the loop")
	}
}

// FuzzResolve checks that no path resolves outside the root, and that with
// the last link followed no existing component of the result is a symlink.
func FuzzResolve(f *testing.F) {
	for _, tc := range resolveTests {
		f.Add(tc.in, tc.follow)
	}
	f.Add("/loop/x", true)
	fsys, root := newTree(f)
	f.Fuzz(func(t *testing.T, in string, follow bool) {
		rel, err := fsys.Resolve(in, follow)
		if err != nil {
			return
		}
		if rel != "." && !filepath.IsLocal(rel) {
			t.Fatalf("Resolve(%q) = %q, outside the root", in, rel)
		}
		parts := strings.Split(rel, "/")
		if !follow {
			parts = parts[:len(parts)-1]
		}
		for i := range parts {
			fi, err := os.Lstat(filepath.Join(root, path.Join(parts[:i+1]...)))
			if err != nil {
				return
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("Resolve(%q) = %q keeps the symlink %s", in, rel, path.Join(parts[:i+1]...))
			}
		}
	})
}
