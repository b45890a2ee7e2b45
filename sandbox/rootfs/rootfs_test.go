package rootfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// newTree builds a root with hostile symlinks and a bind mount, next to a
// "secret" file outside both.
func newTree(t testing.TB) (*FS, string, string) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	data := filepath.Join(base, "data")
	for _, d := range []string{root + "/etc", root + "/bin", root + "/data", root + "/a/b", data + "/sub"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		base + "/secret":    "host secret",
		root + "/etc/hosts": "container hosts",
		data + "/file":      "in volume",
	}
	for p, c := range files {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		root + "/slash":        "/",
		root + "/up":           "../../../../..",
		root + "/abs":          "/etc/hosts",
		root + "/bin/sh":       "busybox",
		root + "/a/b/rel":      "../../etc",
		root + "/loop":         "loop",
		root + "/secretlink":   base + "/secret",
		root + "/etc/dotdot":   "..",
		data + "/escape":       "../../..",
		data + "/absescape":    "/",
		data + "/sub/tosecret": "../../secret",
	}
	for p, target := range links {
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	f, err := New(root, []Mount{{Source: data, Target: "/data"}, {Source: data + "/sub", Target: "/ro", ReadOnly: true}})
	if err != nil {
		t.Fatal(err)
	}
	return f, root, data
}

func TestResolve(t *testing.T) {
	f, root, data := newTree(t)
	tests := []struct {
		in         string
		followLast bool
		want       string // host path; "" means an error
		wantErr    error
		ro         bool
	}{
		{in: "/etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/../../../../etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/slash/etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/slash", followLast: true, want: root},
		{in: "/slash", followLast: false, want: root + "/slash"},
		{in: "/up/etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/abs", followLast: true, want: root + "/etc/hosts"},
		{in: "/bin/sh", followLast: true, want: root + "/bin/busybox"},
		{in: "/bin/sh", followLast: false, want: root + "/bin/sh"},
		{in: "/a/b/rel/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/a/b/rel/../bin", followLast: true, want: root + "/bin"},
		{in: "/etc/dotdot/etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/loop", followLast: true, wantErr: syscall.ELOOP},
		{in: "/loop", followLast: false, want: root + "/loop"},
		{in: "/secretlink", followLast: true, wantErr: syscall.ENOENT},
		{in: "/etc/hosts/x", followLast: true, wantErr: syscall.ENOTDIR},
		{in: "/nope/x", followLast: true, wantErr: syscall.ENOENT},
		{in: "/nope", followLast: true, want: root + "/nope"},
		{in: "/data/file", followLast: true, want: data + "/file"},
		{in: "/data/../etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/data/escape/etc/hosts", followLast: true, want: root + "/etc/hosts"},
		{in: "/data/absescape/data/file", followLast: true, want: data + "/file"},
		{in: "/data/sub/tosecret", followLast: true, want: root + "/secret"},
		{in: "/ro/tosecret", followLast: true, want: root + "/secret"},
		{in: "/ro", followLast: true, want: data + "/sub", ro: true},
		{in: "/data/sub", followLast: true, want: data + "/sub", ro: false},
		{in: "/ro/new", followLast: true, want: data + "/sub/new", ro: true},
		{in: "/slash/", followLast: false, want: root},
	}
	for _, tc := range tests {
		got, err := f.Resolve(tc.in, tc.followLast)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Resolve(%q) error = %v, want %v", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q): %v", tc.in, err)
			continue
		}
		if got.Host != tc.want || got.ReadOnly != tc.ro {
			t.Errorf("Resolve(%q) = %q ro=%v, want %q ro=%v", tc.in, got.Host, got.ReadOnly, tc.want, tc.ro)
		}
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct{ dir, p, want string }{
		{"/", "a", "/a"},
		{"/x/", "../a", "/x/../a"},
		{"/x", "/abs", "/abs"},
		{"", "a", "/a"},
	} {
		if got := Join(tc.dir, tc.p); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.dir, tc.p, got, tc.want)
		}
	}
}

// inside reports whether host is root or below it.
func inside(root, host string) bool {
	rel, err := filepath.Rel(root, host)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"/etc/hosts", "../../..", "/slash/up/../secret", "/data/escape/../x", "a/b/rel/../../..", "/ro/tosecret", "/secretlink/..", "loop/x"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	fsys, root, data := newTree(f)
	f.Fuzz(func(t *testing.T, p string, followLast bool) {
		if strings.ContainsRune(p, 0) {
			return
		}
		got, err := fsys.Resolve(p, followLast)
		if err != nil {
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("Resolve(%q) error %T is not a *fs.PathError", p, err)
			}
			return
		}
		if !inside(root, got.Host) && !inside(data, got.Host) {
			t.Fatalf("Resolve(%q) = %q escapes %q and %q", p, got.Host, root, data)
		}
		// The host path itself must not traverse a symlink that leaves.
		check := got.Host
		if !followLast || got.MountPoint {
			check = filepath.Dir(got.Host)
		}
		if real, err := filepath.EvalSymlinks(check); err == nil && !got.MountPoint {
			rroot, _ := filepath.EvalSymlinks(root)
			rdata, _ := filepath.EvalSymlinks(data)
			if !inside(rroot, real) && !inside(rdata, real) {
				t.Fatalf("Resolve(%q) = %q: parent really is %q", p, got.Host, real)
			}
		}
	})
}
