package efs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/simulators/core/state"
)

func TestAccessPointDir(t *testing.T) {
	dir := t.TempDir()
	s, err := New("123456789012", &state.Store{}, nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	id := func(n int64) *int64 { return &n }
	s.fss["us-east-1/fs-1"] = &fileSystem{Region: "us-east-1", ID: "fs-1"}
	s.fss["us-east-1/fs-2"] = &fileSystem{Region: "us-east-1", ID: "fs-2"}
	s.aps["us-east-1/fsap-made"] = &accessPoint{Region: "us-east-1", ID: "fsap-made", FileSystemID: "fs-1",
		Root: &rootDirectory{Path: "/a/b", CreationInfo: &creationInfo{OwnerUID: id(int64(os.Getuid())), OwnerGID: id(int64(os.Getgid())), Permissions: "0750"}}}
	s.aps["us-east-1/fsap-bare"] = &accessPoint{Region: "us-east-1", ID: "fsap-bare", FileSystemID: "fs-1",
		Root: &rootDirectory{Path: "/missing"}}
	s.aps["us-east-1/fsap-root"] = &accessPoint{Region: "us-east-1", ID: "fsap-root", FileSystemID: "fs-1", Root: &rootDirectory{}}
	tests := []struct {
		name, fs, ap string
		want         string // the directory, under dir
		err          string
	}{
		{"made with its CreationInfo", "fs-1", "fsap-made", "fs-1/a/b", ""},
		{"file system root", "fs-1", "fsap-root", "fs-1", ""},
		{"missing root without CreationInfo", "fs-1", "fsap-bare", "", "access denied by server"},
		{"unknown access point", "fs-1", "fsap-none", "", "access point fsap-none does not exist"},
		{"another file system's", "fs-2", "fsap-made", "", "belongs to file system fs-1"},
		{"unknown file system", "fs-9", "fsap-made", "", `Failed to resolve "fs-9.efs.us-east-1.amazonaws.com"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AccessPointDir("us-east-1", tc.fs, tc.ap)
			if tc.err != "" {
				var me *MountError
				if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q %v, want a MountError containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != filepath.Join(dir, tc.want) {
				t.Fatalf("got %q %v, want %s", got, err, tc.want)
			}
		})
	}
	if st, err := os.Stat(filepath.Join(dir, "fs-1/a/b")); err != nil || st.Mode().Perm() != 0o750 {
		t.Errorf("access point root: %v %v", st.Mode(), err)
	}
}
