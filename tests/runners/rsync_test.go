package runners

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestRsyncScript runs rsync.sh under busybox sh, the shell it runs under
// in the helper image, as gitlab-ci-local's helper calls it.
func TestRsyncScript(t *testing.T) {
	bb := harness.EnsureBusybox(t)
	src, out := t.TempDir(), t.TempDir()
	for name, body := range map[string]string{"a.txt": "a", "d/e/b.txt": "b", ".gitlab-ci-local/x": "x", "skip.log": "s"} {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	list := filepath.Join(t.TempDir(), "list")
	os.WriteFile(list, []byte("./a.txt\n./d\n./.gitlab-ci-local/x\n./skip.log\n"), 0o644)
	script := filepath.Join(harness.Root(t), "tests", "runners", "rsync.sh")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bb, append([]string{"sh", script}, args...)...)
		cmd.Dir = src
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rsync.sh %q: %v\n%s", args, err, b)
		}
	}
	run("--exclude", ".gitlab-ci-local/**", "-rRa", "--exclude", "*.log", "--files-from="+list, ".", out+"/job/.")
	run("-Ra", "./a.txt", "./d", out+"/cache/.")
	got := slices.Sorted(maps.Keys(ReadTree(t, out)))
	want := []string{"cache/a.txt", "cache/d/e/b.txt", "job/a.txt", "job/d/e/b.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("copied %q, want %q", got, want)
	}
}
