package harness

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// busyboxApplets are linked in the test image, as Alpine links its busybox.
var busyboxApplets = []string{"sh", "ash", "echo", "cat", "ls", "sleep", "true", "false", "seq", "awk",
	"sed", "grep", "sort", "head", "tail", "wc", "env", "id", "hostname", "mkdir", "rm", "cp", "printf", "top", "ps"}

// EnsureBusybox installs Debian's busybox-static when /bin/busybox is
// missing (as root), and fails the test when it cannot: a missing tool is a
// failure, never a skip.
func EnsureBusybox(t testing.TB) string {
	t.Helper()
	const path = "/bin/busybox"
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if os.Geteuid() != 0 {
		t.Fatal("busybox-static is not installed and the test is not root: apt-get install busybox-static")
	}
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "busybox-static"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %v: %v\n%s", args, err, out)
		}
	}
	return path
}

// BusyboxRootfs is a tar of a minimal root file system: Debian's static
// busybox with its applet links, and the usual /etc files.
func BusyboxRootfs(t testing.TB) []byte {
	t.Helper()
	bin, err := os.ReadFile(EnsureBusybox(t))
	if err != nil {
		t.Fatal(err)
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
	for _, d := range []string{"bin/", "etc/", "root/", "usr/", "usr/bin/", "var/", "home/"} {
		dir(d, 0o755)
	}
	dir("tmp/", 0o1777)
	file("bin/busybox", 0o755, bin)
	for _, a := range busyboxApplets {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777})
	}
	file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
	file("etc/group", 0o644, []byte("root:x:0:\nnogroup:x:65534:\n"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ImportBusybox imports [BusyboxRootfs] into the daemon at host as ref, with
// `CMD ["sh"]` as Docker Hub's busybox has.
func ImportBusybox(t testing.TB, host, ref string) {
	t.Helper()
	r := Docker(t, host, BusyboxRootfs(t), "import", "--change", `CMD ["sh"]`, "-", ref)
	if r.ExitCode != 0 {
		t.Fatalf("docker import: exit %d: %s", r.ExitCode, r.Stderr)
	}
}
