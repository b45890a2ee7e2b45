package volumes

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/volume"
)

// FuzzCreate checks that a volume, whatever its name and options, keeps
// its data inside the manager's directory.
func FuzzCreate(f *testing.F) {
	for _, s := range []string{"data", "a.b-c_d", "../x", "a/b", "..", "x..", "", "-x", "a\x00b"} {
		f.Add(s, "")
	}
	f.Add("t", "tmpfs")
	dir := f.TempDir()
	m := open(f, dir)
	root := filepath.Join(dir, "volumes") + string(filepath.Separator)
	f.Fuzz(func(t *testing.T, name, typ string) {
		req := volume.CreateRequest{Name: name}
		if typ != "" {
			req.DriverOpts = map[string]string{"type": typ, "device": typ}
		}
		v, err := m.Create(t.Context(), req)
		if err != nil {
			return
		}
		if c := filepath.Clean(v.Mountpoint); c != v.Mountpoint || !strings.HasPrefix(c, root) {
			t.Fatalf("volume %q stored at %q", name, v.Mountpoint)
		}
		if err := m.Remove(t.Context(), v.Name, false); err != nil {
			t.Fatal(err)
		}
	})
}
