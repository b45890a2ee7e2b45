package runners

import (
	"archive/tar"
	"bytes"
	_ "embed"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// The images the runners use, built from Debian's busybox-static by
// [ImportImages]; no registry is needed.
const (
	// RunnerImage stands for ubuntu-latest (act -P) and is the image of the
	// GitLab jobs: an Alpine-like root with busybox, a link for each of its
	// applets, and Docker Hub's PATH.
	RunnerImage = "sockerless-runner:local"
	// ServiceImage is RunnerImage running until it is stopped, as a
	// service container does.
	ServiceImage = "sockerless-service:local"
	// HelperImage is gitlab-ci-local's helper image: no entrypoint, a
	// /bin/bash file (the memory backend runs bash scripts in its
	// bash-syntax shell when the image has one) and rsync as a shell script
	// (rsync.sh), since the sandbox runs no native programs.
	HelperImage = "sockerless-gcl-helper:local"
)

// defaultPath is the PATH of Docker Hub's Debian and Alpine images.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

//go:embed rsync.sh
var rsyncScript []byte

// ImportImages imports [RunnerImage], [ServiceImage] and [HelperImage]
// into the daemon at host with docker import.
func ImportImages(t testing.TB, host string) {
	t.Helper()
	base := rootfs(t, nil)
	imports := []struct {
		ref     string
		tar     []byte
		changes []string
	}{
		{RunnerImage, base, []string{`CMD ["sh"]`}},
		{ServiceImage, base, []string{`CMD ["sh", "-c", "echo service $(hostname) ready; exec sleep 3600"]`}},
		{HelperImage, rootfs(t, func(file func(name string, mode int64, data []byte), link func(name, target string)) {
			link("bin/bash", "busybox")
			file("usr/bin/rsync", 0o755, rsyncScript)
		}), nil},
	}
	for _, im := range imports {
		args := []string{"import", "--change", "ENV PATH=" + defaultPath}
		for _, c := range im.changes {
			args = append(args, "--change", c)
		}
		r := harness.Docker(t, host, im.tar, append(args, "-", im.ref)...)
		if r.ExitCode != 0 {
			t.Fatalf("docker import %s: exit %d: %s", im.ref, r.ExitCode, r.Stderr)
		}
	}
}

// rootfs is a tar of an Alpine-like root file system: Debian's static
// busybox linked under each applet name in /bin, the usual /etc files, and
// what extra adds.
func rootfs(t testing.TB, extra func(file func(name string, mode int64, data []byte), link func(name, target string))) []byte {
	t.Helper()
	bb := harness.EnsureBusybox(t)
	bin, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string, mode int64) {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode})
	}
	file := func(name string, mode int64, data []byte) {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))})
		tw.Write(data)
	}
	link := func(name, target string) {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777})
	}
	for _, d := range []string{"bin/", "sbin/", "etc/", "root/", "usr/", "usr/bin/", "usr/local/", "usr/local/bin/", "var/", "var/run/", "home/", "opt/"} {
		dir(d, 0o755)
	}
	dir("tmp/", 0o1777)
	file("bin/busybox", 0o755, bin)
	for _, a := range strings.Fields(string(list)) {
		if a != "busybox" {
			link("bin/"+a, "busybox")
		}
	}
	file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
	file("etc/group", 0o644, []byte("root:x:0:\nnogroup:x:65534:\n"))
	file("etc/os-release", 0o644, []byte("NAME=\"Sockerless test\"\nID=busybox\nVERSION_ID=1.35\n"))
	if extra != nil {
		extra(file, link)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
