package imagestore_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

type entry = imagestoretest.Entry

func TestUnpackBusybox(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	img := importBusybox(t, s, "busybox:local")
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := s.Unpack(t.Context(), img.ID, dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "bin", "sh"))
	if err != nil || fi.Mode().Perm() != 0o755 || fi.Size() != mustStat(t, imagestoretest.Busybox).Size() {
		t.Fatalf("bin/sh: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "bin", "sh")); err != nil || target != "busybox" {
		t.Errorf("bin/sh -> %q, %v", target, err)
	}
	if fi := mustStat(t, filepath.Join(dir, "tmp")); fi.Mode()&fs.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("tmp mode = %v", fi.Mode())
	}
	// A second unpack is independent of the first.
	dir2 := filepath.Join(t.TempDir(), "rootfs")
	if err := s.Unpack(t.Context(), img.ID, dir2); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "etc", "passwd"), "changed")
	if data, _ := os.ReadFile(filepath.Join(dir2, "etc", "passwd")); strings.Contains(string(data), "changed") {
		t.Error("containers share files")
	}
	if err := s.Unpack(t.Context(), "nope", dir2); err == nil {
		t.Error("Unpack(nope) succeeded")
	}
}

func mustStat(t *testing.T, p string) fs.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
