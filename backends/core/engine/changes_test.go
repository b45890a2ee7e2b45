package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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
