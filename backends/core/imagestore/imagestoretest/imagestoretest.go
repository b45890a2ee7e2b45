// Package imagestoretest builds test images from Debian's busybox-static:
// a root file system tar with /bin/busybox and its applets as symbolic
// links, the image the Sockerless tests import (there is no registry to
// pull from in tests).
package imagestoretest

import (
	"archive/tar"
	"bytes"
	"os"
	"testing"
	"time"
)

// Busybox is where Debian's busybox-static installs the binary.
const Busybox = "/bin/busybox"

// Applets are the busybox applets linked in /bin of [RootFS].
var Applets = []string{"sh", "echo", "cat", "ls", "sleep", "true", "false", "env", "id", "printf"}

// Entry is one file of a test tar.
type Entry struct {
	Name     string
	Type     byte // tar.TypeReg, TypeDir, TypeSymlink, TypeLink
	Body     string
	Linkname string
	Mode     int64
}

// Tar builds an uncompressed tar of entries.
func Tar(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range entries {
		mode := e.Mode
		if mode == 0 {
			mode = 0o644
			if e.Type == tar.TypeDir {
				mode = 0o755
			}
		}
		typ := e.Type
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.Name, Typeflag: typ, Mode: mode, Linkname: e.Linkname, ModTime: mtime}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// RootFS returns a busybox root file system tar: bin/busybox, the
// [Applets] as links to it, etc/passwd and an empty tmp. It fails the test
// when busybox-static is not installed (apt-get install busybox-static).
func RootFS(t testing.TB) []byte {
	t.Helper()
	bin, err := os.ReadFile(Busybox)
	if err != nil {
		t.Fatalf("busybox-static is required (apt-get install -y busybox-static): %v", err)
	}
	entries := []Entry{
		{Name: "bin/", Type: tar.TypeDir},
		{Name: "bin/busybox", Body: string(bin), Mode: 0o755},
		{Name: "etc/", Type: tar.TypeDir},
		{Name: "etc/passwd", Body: "root:x:0:0:root:/root:/bin/sh\n"},
		{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
	}
	for _, a := range Applets {
		entries = append(entries, Entry{Name: "bin/" + a, Type: tar.TypeSymlink, Linkname: "busybox"})
	}
	return Tar(t, entries...)
}

// RootFSSize is the size dockerd reports for [RootFS]: the files plus the
// symbolic link targets.
func RootFSSize(t testing.TB) int64 {
	fi, err := os.Stat(Busybox)
	if err != nil {
		t.Fatalf("busybox-static is required: %v", err)
	}
	return fi.Size() + int64(len("root:x:0:0:root:/root:/bin/sh\n")) + int64(len(Applets)*len("busybox"))
}
