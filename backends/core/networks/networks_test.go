package networks

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/store"
)

func TestIPAMAndPersistence(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := Open(ctx, st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Attach(ctx, "c1", "one", "", nil)
	if err != nil || a["bridge"].IPAddress.String() != "172.17.0.2" || a["bridge"].Gateway.String() != "172.17.0.1" {
		t.Fatalf("first %+v %v", a["bridge"], err)
	}
	b, _ := m.Attach(ctx, "c2", "two", "bridge", nil)
	if b["bridge"].IPAddress.String() != "172.17.0.3" || b["bridge"].MacAddress.String() != "02:42:ac:11:00:03" {
		t.Fatalf("second %+v", b["bridge"])
	}
	m.Release(ctx, "c1")
	c, _ := m.Attach(ctx, "c3", "three", "default", nil)
	if c["bridge"].IPAddress.String() != "172.17.0.2" {
		t.Fatalf("reuse %+v", c["bridge"])
	}
	h, _ := m.Attach(ctx, "c4", "four", "host", nil)
	if h["host"] == nil || h["host"].IPAddress.IsValid() {
		t.Fatalf("host %+v", h)
	}
	if _, err := m.Attach(ctx, "c5", "five", "nosuch", nil); !errdefs.IsNotFound(err) {
		t.Fatalf("unknown network: %v", err)
	}
	ids := map[string]string{}
	for _, n := range m.nets {
		ids[n.Name] = n.ID
	}
	m2, err := Open(ctx, st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range m2.nets {
		if ids[n.Name] != n.ID {
			t.Fatalf("network %s changed ID across restarts", n.Name)
		}
	}
	m2.Restore("c2", "two", b)
	d, _ := m2.Attach(ctx, "c6", "six", "bridge", nil)
	if d["bridge"].IPAddress.String() != "172.17.0.2" {
		t.Fatalf("after restore %+v", d["bridge"])
	}
}
