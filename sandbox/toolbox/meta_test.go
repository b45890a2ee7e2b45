package toolbox

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestMetaProtocol checks the applets' side of the /proc/sockerless
// protocol with files standing in for what the runtime serves.
func TestMetaProtocol(t *testing.T) {
	root := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tool", "#!/bin/sh\n")
	write("proc/sockerless/lstat/tool", "100755 1000 1000\n")
	write("proc/sockerless/stat/tool", "100755 1000 1000\n")
	write("etc/passwd", "root:x:0:0::/root:/bin/sh\ndev:x:1000:1000::/home/dev:/bin/sh\n")
	write("etc/group", "root:x:0:\ndev:x:1000:\n")

	out, _, code := runModuleIn(t, root, "", "ls", "-l", "tool")
	if code != 0 || !regexp.MustCompile(`^-rwxr-xr-x +1 dev +dev +10 `).MatchString(out) {
		t.Errorf("ls -l = %q (exit %d)", out, code)
	}
	if _, _, code := runModuleIn(t, root, "", "test", "-x", "tool"); code != 0 {
		t.Errorf("test -x exited %d", code)
	}
	out, _, _ = runModuleIn(t, root, "", "stat", "-c", "%a %U", "tool")
	if out != "755 dev\n" {
		t.Errorf("stat -c = %q", out)
	}
	// chmod requests go to the runtime's file; here a plain file records them.
	write("proc/sockerless/chmod/copy", "")
	if _, stderr, code := runModuleIn(t, root, "", "cp", "tool", "copy"); code != 0 {
		t.Fatalf("cp: %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "proc/sockerless/chmod/copy")); string(b) != "755\n" {
		t.Errorf("cp asked for mode %q, want 755", b)
	}
}
