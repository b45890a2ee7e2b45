package ecs

import (
	"strings"
	"testing"
)

func TestHostUser(t *testing.T) {
	tests := []struct {
		spec     string
		uid, gid uint32
		err      string
	}{
		{"1000", 1000, 0, ""},
		{"1000:1001", 1000, 1001, ""},
		{"root", 0, 0, ""},
		{"root:root", 0, 0, ""},
		{"0:nosuchgroup-x", 0, 0, "unable to find group nosuchgroup-x"},
		{"nosuchuser-x", 0, 0, "unable to find user nosuchuser-x"},
	}
	for _, tc := range tests {
		cred, err := hostUser(tc.spec)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("hostUser(%q): %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || cred.Uid != tc.uid || cred.Gid != tc.gid {
			t.Errorf("hostUser(%q) = %+v, %v", tc.spec, cred, err)
		}
	}
	if cred, err := hostUser(""); cred != nil || err != nil {
		t.Errorf("hostUser(\"\") = %+v, %v", cred, err)
	}
}
