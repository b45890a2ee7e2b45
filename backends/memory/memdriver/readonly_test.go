package memdriver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/api/driver"
)

// TestReadOnlyRoot: with --read-only, writes to the root fail with EROFS
// while a writable mount inside it still takes them.
func TestReadOnlyRoot(t *testing.T) {
	d := newDriver(t)
	data := t.TempDir()
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec := driver.Spec{ID: "ro", Hostname: "ro", RootFS: root, Path: "sh", ReadOnlyRoot: true,
		Mounts: []driver.Mount{{Type: "bind", Source: data, Destination: "/data"}}}
	if err := d.Create(t.Context(), spec); err != nil {
		t.Fatal(err)
	}
	task, out := start(t, d, spec, "touch /x; echo rc=$?; mkdir /etc/new; echo rc=$?; echo ok > /data/f && cat /data/f")
	st, err := task.Wait(t.Context())
	if err != nil || st.Code != 0 {
		t.Fatalf("exit %+v, %v: %s", st, err, out)
	}
	got := out.String()
	for _, want := range []string{"touch: /x: Read-only file system", "rc=1", "ok"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "x")); err == nil {
		t.Error("/x was written to the read-only root")
	}
}
