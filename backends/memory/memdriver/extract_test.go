package memdriver

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// FuzzExtract checks that no archive writes outside the container root and
// its mount, whatever its names and links.
func FuzzExtract(f *testing.F) {
	f.Add("../../x", "a", "/", "a/b")
	f.Add("l", "/etc", "l/passwd", "")
	f.Add("d/", "..", "d/../../../y", "z")
	f.Add("m", "../../../..", "m/escape", "m/../n")
	f.Fuzz(func(t *testing.T, n1, link, n2, n3 string) {
		base := t.TempDir()
		root, vol := filepath.Join(base, "root"), filepath.Join(base, "vol")
		for _, d := range []string{root + "/dest", vol} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		fsys, err := rootfs.New(root, []rootfs.Mount{{Source: vol, Target: "/dest/vol"}})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: n1, Typeflag: tar.TypeSymlink, Linkname: link})
		for _, n := range []string{n2, n3} {
			tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: 1})
			tw.Write([]byte("x"))
		}
		tw.WriteHeader(&tar.Header{Name: n3 + "-hl", Typeflag: tar.TypeLink, Linkname: link})
		tw.Close()
		extract(t.Context(), fsys, "/dest", &buf, driver.ArchiveOptions{})
		filepath.WalkDir(base, func(p string, de os.DirEntry, err error) error {
			if err != nil || p == base || p == root || p == vol {
				return nil
			}
			if !strings.HasPrefix(p, root+"/") && !strings.HasPrefix(p, vol+"/") {
				t.Fatalf("archive %q %q→%q %q %q wrote %s", n1, n1, link, n2, n3, p)
			}
			return nil
		})
	})
}

// TestExtractCreatesParents extracts entries whose parent directories the
// archive does not list, as act's CopyToContainer sends them.
func TestExtractCreatesParents(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "var/run/act"), 0o755); err != nil {
		t.Fatal(err)
	}
	fsys, err := rootfs.New(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range []string{"workflow/event.json", "workflow/deep/x/0.sh"} {
		tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: 2})
		tw.Write([]byte("{}"))
	}
	tw.Close()
	if err := extract(t.Context(), fsys, "/var/run/act", &buf, driver.ArchiveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"workflow/event.json", "workflow/deep/x/0.sh"} {
		if b, err := os.ReadFile(filepath.Join(root, "var/run/act", n)); err != nil || string(b) != "{}" {
			t.Errorf("%s: %q, %v", n, b, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(root, "var/run/act/workflow/deep")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("created parent: %v, %v", fi, err)
	}
}
