package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/driver"
)

// TestWithoutMounted: the files dockerd bind-mounts never show as changes.
func TestWithoutMounted(t *testing.T) {
	tests := []struct {
		name string
		in   []driver.Change
		want []driver.Change
	}{
		{"only hosts", []driver.Change{{Path: "/etc", Kind: 0}, {Path: "/etc/hosts", Kind: 1}}, []driver.Change{}},
		{"hosts and a file", []driver.Change{{Path: "/etc", Kind: 0}, {Path: "/etc/hosts", Kind: 1}, {Path: "/etc/app.conf", Kind: 1}},
			[]driver.Change{{Path: "/etc", Kind: 0}, {Path: "/etc/app.conf", Kind: 1}}},
		{"elsewhere", []driver.Change{{Path: "/etc/resolv.conf", Kind: 0}, {Path: "/etc/hostname", Kind: 0}, {Path: "/out", Kind: 1}},
			[]driver.Change{{Path: "/out", Kind: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, withoutMounted(tc.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestCopyNotFoundNamesRef: a missing path names the container as the
// client did, as dockerd.
func TestCopyNotFoundNamesRef(t *testing.T) {
	v := newEnv(t)
	id := v.create(t, "web", container.Config{Cmd: []string{"true"}}, nil)
	for ref, want := range map[string]string{"web": "web", id: id, id[:12]: id[:12]} {
		_, err := v.e.StatPath(t.Context(), ref, "/nope")
		if err == nil || err.Error() != "Could not find the file /nope in container "+want {
			t.Errorf("StatPath(%s) = %v", ref, err)
		}
	}
}
