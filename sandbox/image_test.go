package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAlpineLikeImage runs commands in a root shaped like alpine's: a
// native /bin/busybox and links to it, a native node, a bash script.
func TestAlpineLikeImage(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	writeFile(t, root+"/bin/busybox", "\x7fELF\x02\x01\x01\x00native busybox", 0o755)
	for _, l := range []string{"sh", "ls", "cat", "vi"} {
		if err := os.Symlink("/bin/busybox", filepath.Join(root, "bin", l)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, root+"/usr/local/bin/node", "\x7fELF\x02\x01\x01\x00node", 0o755)
	writeFile(t, root+"/usr/local/bin/greet", "#!/usr/bin/env sh\necho \"hi $1\"\n", 0o755)
	writeFile(t, root+"/etc/passwd", "root:x:0:0:root:/root:/bin/ash\napp:x:1000:1000::/home/app:/bin/sh\n", 0o644)
	if err := WriteSkeleton(root, "alpine"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(root + "/etc/passwd"); !strings.Contains(string(b), "app:x:1000") {
		t.Errorf("WriteSkeleton overwrote /etc/passwd: %q", b)
	}
	if _, err := os.Lstat(root + "/bin/seq"); err == nil {
		t.Error("WriteSkeleton linked applets into a root that has a shell")
	}
	c, err := testRuntime(t).NewContainer(ContainerConfig{Root: root, Hostname: "alpine"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	tests := []struct{ script, stdout, stderr string }{
		{"ls /usr/local/bin", "greet\nnode\n", ""},
		{"/bin/busybox cat /etc/hostname; busybox echo x", "alpine\nx\n", ""},
		{"seq 2", "1\n2\n", ""}, // not in the image: the toolbox's
		{"greet you", "hi you\n", ""},
		{"node -v; echo $?", "126\n", "sh: /usr/local/bin/node: native program cannot run in the sockerless sandbox (it runs shell scripts and its WebAssembly applets only)\n"},
		{"vi x; echo $?", "126\n", "sh: /bin/vi: native program cannot run in the sockerless sandbox (it runs shell scripts and its WebAssembly applets only)\n"},
		{"python3; echo $?", "127\n", "sh: python3: not found\n"},
		{"bash -c 'echo no'; echo $?", "127\n", "sh: bash: not found\n"},
	}
	for _, tc := range tests {
		got := run(t, c, tc.script)
		if got.stdout != tc.stdout || got.stderr != tc.stderr {
			t.Errorf("%s:\n got %q %q\nwant %q %q", tc.script, got.stdout, got.stderr, tc.stdout, tc.stderr)
		}
	}
	got := runArgs(t, c, ProcessConfig{Args: []string{"sh", "-c", "id -u; id -un; echo $HOME"}, User: "app"})
	if got.stdout != "1000\napp\n/home/app\n" {
		t.Errorf("as app: %+v", got)
	}
	// Ids without a name print bare, and the groups always, as busybox's.
	got = runArgs(t, c, ProcessConfig{Args: []string{"id"}, User: "4321:4321"})
	if got.stdout != "uid=4321 gid=4321 groups=4321\n" {
		t.Errorf("as 4321: %+v", got)
	}
}
