package sandbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// sharedRuntime compiles the toolbox once for the package's tests.
var sharedRuntime = sync.OnceValues(func() (*Runtime, error) {
	// A cache shared by test runs: wazero keys it by its version and the
	// module's hash, so a stale entry is never used.
	return New(context.Background(), Options{CacheDir: testCacheDir()})
})

func testCacheDir() string { return filepath.Join(os.TempDir(), "sockerless-sandbox-test-cache") }

// TestCompilationCache checks that the compiled toolbox is on disk, so that
// a restarted daemon loads it instead of compiling it again.
func TestCompilationCache(t *testing.T) {
	testRuntime(t)
	var files int
	filepath.WalkDir(testCacheDir(), func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			files++
		}
		return nil
	})
	if files == 0 {
		t.Fatal("nothing cached in", testCacheDir())
	}
	start := time.Now()
	rt, err := New(t.Context(), Options{CacheDir: testCacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	t.Logf("New with a warm cache: %v", time.Since(start))
}

func testRuntime(t testing.TB) *Runtime {
	t.Helper()
	rt, err := sharedRuntime()
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// testContainer returns a container on a fresh skeleton root.
func testContainer(t testing.TB, mounts ...Mount) (*Container, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteSkeleton(root, "box"); err != nil {
		t.Fatal(err)
	}
	c, err := testRuntime(t).NewContainer(ContainerConfig{Root: root, Hostname: "box", Mounts: mounts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, root
}

// result is what a process printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a shell script in c and waits for it.
func run(t testing.TB, c *Container, script string) result {
	t.Helper()
	return runArgs(t, c, ProcessConfig{Args: []string{"sh", "-c", script}})
}

func runArgs(t testing.TB, c *Container, cfg ProcessConfig) result {
	t.Helper()
	var out, errb syncBuffer
	cfg.Stdout, cfg.Stderr = &out, &errb
	p, err := c.Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Start(%q): %v", cfg.Args, err)
	}
	select {
	case <-p.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("%q did not end", cfg.Args)
	}
	return result{out.String(), errb.String(), p.Wait()}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestShell(t *testing.T) {
	c, _ := testContainer(t)
	tests := []struct {
		name, script string
		want         result
	}{
		{"echo", "echo hello", result{stdout: "hello\n"}},
		{"applet", "true && seq 1 3", result{stdout: "1\n2\n3\n"}},
		{"exit code", "false", result{code: 1}},
		{"not found", "node -v", result{stderr: "sh: node: not found\n", code: 127}},
		{"pipe", "seq 1 5 | cat", result{stdout: "1\n2\n3\n4\n5\n"}},
		{"redirect", "echo hi > /tmp/x && cat /tmp/x", result{stdout: "hi\n"}},
		{"cd pwd", "cd /etc && pwd && cat hostname", result{stdout: "/etc\nbox\n"}},
		{"dev null", "echo gone > /dev/null; cat /dev/null; echo ok", result{stdout: "ok\n"}},
		{"glob", "cd /etc && echo host*", result{stdout: "hostname hosts\n"}},
		{"test -f", "test -f /etc/passwd && [ -d /tmp ] && echo yes", result{stdout: "yes\n"}},
		{"subshell", "(exit 3); echo $?", result{stdout: "3\n"}},
		{"command subst", "echo $(seq 2 3)", result{stdout: "2 3\n"}},
		{"heredoc", "cat <<EOF\na $((1+1))\nEOF", result{stdout: "a 2\n"}},
		{"background", "sleep 0.05 & wait; echo done", result{stdout: "done\n"}},
		{"set -e", "set -euo pipefail; false | true; echo no", result{code: 1}},
		{"trap exit", "trap 'echo bye' EXIT INT TERM; echo hi", result{stdout: "hi\nbye\n"}},
		{"exec", "exec echo replaced; echo never", result{stdout: "replaced\n"}},
		{"which", "which seq; command -v ls; command -v nope || echo none", result{stdout: "/bin/seq\n/bin/ls\nnone\n"}},
		{"busybox", "busybox echo via; /bin/busybox seq 1 1", result{stdout: "via\n1\n"}},
		{"env", "FOO=bar env | grep ^FOO=; env FOO=baz sh -c 'echo $FOO'", result{stdout: "FOO=bar\nbaz\n"}},
		{"xargs", "seq 1 4 | xargs -n 2 echo", result{stdout: "1 2\n3 4\n"}},
		{"timeout", "timeout 0.1 sleep 5; echo $?; timeout -s KILL 0.1 sleep 5; echo $?; timeout 5 true; echo $?", result{stdout: "143\n137\n0\n"}},
		{"script", "printf '#!/bin/sh\\necho script $1\\n' > /tmp/s && chmod +x /tmp/s 2>/dev/null; sh /tmp/s arg", result{stdout: "script arg\n"}},
		{"stderr", "echo err >&2; echo err2 > /dev/stderr", result{stderr: "err\nerr2\n"}},
		{"kill bg", "sleep 5 & pid=$!; kill $pid; wait $pid; echo $?", result{stdout: "143\n"}},
		{"kill bg later", "sleep 5 & sleep 0.1; kill %1; wait; echo done", result{stdout: "done\n"}},
		{"kill bg loop", "while true; do sleep 0.01; done & sleep 0.05; kill $!; sleep 0.05; echo alive", result{stdout: "alive\n"}},
		{"nested bg", "( sleep 5 & kill $!; wait $!; echo inner $? ) & wait; echo outer", result{stdout: "inner 143\nouter\n"}},
		{"pwd -P", "mkdir -p /tmp/real && ln -s /tmp/real /tmp/link && cd /tmp/link && pwd && pwd -P", result{stdout: "/tmp/link\n/tmp/real\n"}},
		{"umask", "umask 022; umask; umask 077; umask; echo s > /tmp/secret; mkdir /tmp/sd; ls -ld /tmp/secret /tmp/sd | cut -c1-10; (umask 0); umask", result{stdout: "0022\n0077\ndrwx------\n-rw-------\n0077\n"}},
		{"pids", "echo $$ ${$} $PPID; sh -c 'echo $$ $PPID'; echo $(( $$ + 1 ))", result{stdout: "1 1 0\n2 1\n2\n"}},
		{"cd missing", "cd nope; echo $?", result{stdout: "2\n", stderr: "sh: cd: can't cd to nope: No such file or directory\n"}},
		{"home unset", "env -u HOME sh -c 'echo ${HOME:-unset} $UID'", result{stdout: "unset 0\n"}},
		{"uname", "uname -m; nproc | grep -c '^[1-9]'", result{stdout: unameM() + "\n1\n"}},
		{"type missing", "type nosuchcmd >/dev/null 2>&1; echo $?; command -v nosuchcmd; echo $?", result{stdout: "127\n127\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, c, tc.script)
			if got != tc.want {
				t.Errorf("%s:\n got %+v\nwant %+v", tc.script, got, tc.want)
			}
		})
	}
}

func TestStartNotFound(t *testing.T) {
	c, _ := testContainer(t)
	_, err := c.Start(t.Context(), ProcessConfig{Args: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), `exec: "nope": executable file not found in $PATH`) {
		t.Fatalf("Start(nope) = %v", err)
	}
}

func writeFile(t testing.TB, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func TestFindExec(t *testing.T) {
	c, _ := testContainer(t)
	got := run(t, c, `mkdir -p /w/a && echo 1 > /w/a/x.txt && echo 2 > /w/y.txt && echo 3 > /w/z.md
cd /w && find . -name '*.txt' -exec cat {} \; | sort
find /w -name '*.txt' -exec echo batch {} + | tr ' ' '\n' | sort | tr '\n' ' '; echo
find /w/a -type f -execdir pwd \;
find /w -name nothing -exec false {} \; ; echo status $?
find /w -name '*.md' -exec sh -c 'exit 3' {} + ; echo status $?`)
	want := "1\n2\n/w/a/x.txt /w/y.txt batch \n/w/a\nstatus 0\nstatus 1\n"
	if got.stdout != want || got.stderr != "" {
		t.Errorf("got %+v\nwant %q", got, want)
	}
}

// unameM is the host's machine name, as uname -m prints it.
func unameM() string {
	for _, kv := range hostEnv() {
		if v, ok := strings.CutPrefix(kv, "SOCKERLESS_UNAME_M="); ok {
			return v
		}
	}
	return "wasm32"
}
