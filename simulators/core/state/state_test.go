package state

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type rec struct{ Name string }

func TestPutLoadDelete(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"plain", "arn:aws:ecs:us-east-1:1:task/c/x", "../escape", "a/b"}
	for _, id := range ids {
		if err := s.Put("ecs/tasks", id, rec{Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	// A crash between CreateTemp and Rename leaves a temporary file behind.
	os.WriteFile(filepath.Join(dir, "ecs/tasks", ".tmp-123"), []byte("{"), 0o644)
	if err := s.Delete("ecs/tasks", "plain"); err != nil {
		t.Fatal(err)
	}
	s2, _ := Open(dir) // a restart
	got := map[string]string{}
	err = s2.Load("ecs/tasks", func(id string, b []byte) error {
		var r rec
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		got[id] = r.Name
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ids[1]: ids[1], ids[2]: ids[2], ids[3]: ids[3]}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("loaded (-want +got):\n%s", d)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "ecs/tasks"))
	if len(ents) != 3 {
		t.Errorf("%d files left, want 3 (temporary file removed)", len(ents))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.json")); err == nil {
		t.Error("an id escaped the state directory")
	}
}

func TestInMemoryStoreKeepsNothing(t *testing.T) {
	s, _ := Open("")
	if s.Persistent() {
		t.Fatal("empty dir should be in-memory")
	}
	if err := s.Put("k", "id", rec{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	s.Load("k", func(string, []byte) error { n++; return nil })
	if n != 0 {
		t.Errorf("in-memory store loaded %d records", n)
	}
}
