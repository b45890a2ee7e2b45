package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
)

type rec struct{ Name string }

func TestPutGetListDelete(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("containers", "abc", rec{"one"}); err != nil {
		t.Fatal(err)
	}
	var got rec
	if err := s.Get("containers", "abc", &got); err != nil || got.Name != "one" {
		t.Fatalf("get = %v, %v", got, err)
	}
	n := 0
	if err := s.List("containers", func(id string, _ []byte) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("list n=%d err=%v", n, err)
	}
	if err := s.Delete("containers", "abc"); err != nil {
		t.Fatal(err)
	}
	if err := s.Get("containers", "abc", &got); !errdefs.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestRejectsEscapingNames(t *testing.T) {
	s, _ := Open(t.TempDir())
	for _, id := range []string{"", "..", "../x", "a/b", ".tmp-x"} {
		if err := s.Put("containers", id, rec{}); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Put(%q) = %v, want invalid argument", id, err)
		}
	}
}

func TestOpenRemovesTornTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "containers"), 0o700)
	torn := filepath.Join(dir, "containers", ".tmp-abc.json-123")
	os.WriteFile(torn, []byte("{\"Na"), 0o600)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(torn); !os.IsNotExist(err) {
		t.Fatalf("torn temp file still there: %v", err)
	}
	n := 0
	s.List("containers", func(string, []byte) error { n++; return nil })
	if n != 0 {
		t.Fatalf("listed %d records, want 0", n)
	}
}
