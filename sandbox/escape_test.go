package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEscape tries to reach a host file next to the container root and its
// bind mount through paths, "..", symlinks and copies.
func TestEscape(t *testing.T) {
	base := t.TempDir()
	secret := filepath.Join(base, "shadow")
	if err := os.WriteFile(secret, []byte("HOSTSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../shadow", filepath.Join(data, "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(data, "abs")); err != nil {
		t.Fatal(err)
	}
	c, root := testContainer(t, Mount{Source: data, Target: "/data"})
	if err := os.Symlink("/", filepath.Join(root, "slash")); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(root, secret)
	scripts := []string{
		"cat ../../../../etc/shadow",
		"cd / && cat ../../../../../../" + secret,
		"cat " + secret,
		"cat /" + rel,
		"cat /slash/../" + rel,
		"ln -s / /tmp/root 2>/dev/null; cat /tmp/root/../" + rel,
		"cat /data/up",
		"cat /data/abs",
		"cat /data/../../shadow",
		"cp /data/up /tmp/x && cat /tmp/x",
		"cat < /data/up",
		"cat < " + secret,
		"echo pwned > /data/../../pwned; cat /data/../../../shadow",
		"ls /data/../../",
		". /data/up",
	}
	for _, s := range scripts {
		got := run(t, c, s)
		if strings.Contains(got.stdout+got.stderr, "HOSTSECRET") || strings.Contains(got.stdout, "shadow") {
			t.Errorf("%q escaped: %+v", s, got)
		}
		if got.code == 0 && !strings.HasPrefix(s, "ls") {
			t.Errorf("%q succeeded: %+v", s, got)
		}
		// "no such file" is busybox ash's wording for a redirection.
		if got.code != 0 && !strings.Contains(got.stderr, "No such file or directory") && !strings.Contains(got.stderr, "not found") &&
			!strings.Contains(got.stderr, "Permission denied") && !strings.Contains(got.stderr, "can't open") {
			t.Errorf("%q: stderr %q does not say why", s, got.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(base, "pwned")); err == nil {
		t.Error("a file was written outside the container")
	}
}

func TestReadOnlyMount(t *testing.T) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "keep"), []byte("original\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := testContainer(t, Mount{Source: data, Target: "/ro", ReadOnly: true})
	got := run(t, c, "ln /ro/keep /tmp/hard; echo changed > /tmp/hard; mv /ro/keep /tmp/moved; rm -f /ro/keep; mkdir /ro/d; cat /ro/keep")
	if got.stdout != "original\n" {
		t.Errorf("read-only mount changed: %+v", got)
	}
	got = run(t, c, "echo x > /ro/f")
	if got.code == 0 || !strings.Contains(got.stderr, "Read-only file system") {
		t.Errorf("write to read-only mount: %+v", got)
	}
	if _, err := os.Stat(filepath.Join(data, "f")); err == nil {
		t.Error("file written into a read-only mount")
	}
}

func TestBindMount(t *testing.T) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "in"), []byte("from host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := testContainer(t, Mount{Source: data, Target: "/work/data"})
	got := run(t, c, "cat /work/data/in && echo out > /work/data/out && echo m > /tmp/m && mv /tmp/m /work/data/ && ls /work/data && cat /work/data/m && ls /tmp/m")
	if want := (result{stdout: "from host\nin\nm\nout\nm\n", stderr: "ls: /tmp/m: No such file or directory\n", code: 1}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestMountBehindSymlink(t *testing.T) {
	data := t.TempDir()
	root := filepath.Join(t.TempDir(), "root")
	writeFile(t, root+"/run/.keep", "", 0o644)
	if err := os.MkdirAll(root+"/var", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/run", root+"/var/run"); err != nil {
		t.Fatal(err)
	}
	if err := WriteSkeleton(root, "h"); err != nil {
		t.Fatal(err)
	}
	c, err := testRuntime(t).NewContainer(ContainerConfig{Root: root, Mounts: []Mount{{Source: data, Target: "/var/run/sock"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := run(t, c, "echo x > /var/run/sock/f && cat /run/sock/f"); got != (result{stdout: "x\n"}) {
		t.Errorf("got %+v", got)
	}
	if _, err := os.Stat(filepath.Join(data, "f")); err != nil {
		t.Errorf("not written to the mount: %v", err)
	}
}

// TestDeviceNodes checks that a device node in the container's file
// system (an image unpacked by root may hold some; here a bind mount of the
// host's /dev) does not open the host's device.
func TestDeviceNodes(t *testing.T) {
	c, _ := testContainer(t, Mount{Source: "/dev", Target: "/hostdev", ReadOnly: true})
	for _, s := range []string{"head -c 1 /hostdev/zero", "cat < /hostdev/zero", "echo x > /hostdev/null"} {
		if got := run(t, c, s); got.code == 0 || !strings.Contains(got.stderr, "Permission denied") && !strings.Contains(got.stderr, "Read-only") {
			t.Errorf("%s: %+v", s, got)
		}
	}
}
