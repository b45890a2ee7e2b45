package networks

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/store"
)

// The driver's remover runs before a network is forgotten; its error
// keeps the network.
func TestRemoverHook(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(t.Context(), st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	fail := true
	var removed []string
	m.SetRemover(func(_ context.Context, id, name string) error {
		if fail {
			return errors.New("security group in use")
		}
		removed = append(removed, name)
		return nil
	})
	created, err := m.Create(t.Context(), network.CreateRequest{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	none := func(string) bool { return false }
	if _, err := m.Remove(t.Context(), "app", none); err == nil || !strings.Contains(err.Error(), "security group in use") {
		t.Fatalf("remove with a failing driver: %v", err)
	}
	if _, err := m.Remove(t.Context(), created.ID, none); err == nil {
		t.Fatal("the network was forgotten after the driver failed")
	}
	fail = false
	if _, err := m.Remove(t.Context(), "app", none); err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != "app" {
		t.Errorf("driver removals %v", removed)
	}
}
