package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstall(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "shared")
	var out, errb bytes.Buffer
	if code := install([]string{dir}, &out, &errb); code != 0 {
		t.Fatalf("install: exit %d: %s", code, errb.String())
	}
	p := filepath.Join(dir, installName)
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("installed copy differs from the executable (err %v)", err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", fi.Mode().Perm())
	}
	// Installing again replaces the file; nothing temporary is left.
	if code := install([]string{dir}, &out, &errb); code != 0 {
		t.Fatalf("second install: exit %d: %s", code, errb.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files in %s after two installs: %d, want 1", dir, len(ents))
	}
	for _, args := range [][]string{nil, {""}, {"a", "b"}} {
		errb.Reset()
		if code := install(args, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
			t.Errorf("install %q: exit %d %q, want 2 and usage", args, code, errb.String())
		}
	}
	// A directory that cannot be made fails with the reason.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	errb.Reset()
	if code := install([]string{filepath.Join(file, "sub")}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not a directory") {
		t.Errorf("install under a file: exit %d %q", code, errb.String())
	}
}
