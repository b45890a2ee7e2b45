package oracle

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sockerless/sockerless/sandbox"
)

// busyboxPath is Debian's busybox-static, the oracle.
const busyboxPath = "/bin/busybox"

// pathEnv is PATH on both sides; on the busybox side it leads to a directory
// of applet links, so no host tool answers instead of busybox.
const pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// caseTimeout bounds one snippet on either side.
const caseTimeout = 20 * time.Second

// outcome is what one side produced.
type outcome struct {
	stdout   string
	stderr   string
	code     int
	timedOut bool
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", o.code, o.stdout, o.stderr)
}

// exactStderr makes the oracle also compare the text of standard error, to
// audit messages: go test ./sandbox/oracle -run TestOracle -stderr -v.
var exactStderr = flag.Bool("stderr", false, "also report cases whose standard error text differs")

// same compares what the oracle compares: stdout, stderr presence, status.
func same(a, b outcome) bool {
	return a.stdout == b.stdout && (a.stderr == "") == (b.stderr == "") && a.code == b.code && !a.timedOut && !b.timedOut
}

// ensureBusybox installs busybox-static when it is missing and the test runs
// as root; otherwise the test cannot run and fails.
func ensureBusybox(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(busyboxPath); err == nil {
		return
	}
	if os.Geteuid() != 0 {
		t.Fatalf("%s is missing: install busybox-static (apt-get install -y busybox-static)", busyboxPath)
	}
	for _, args := range [][]string{{"apt-get", "update"}, {"apt-get", "install", "-y", "busybox-static"}} {
		cmd := exec.CommandContext(t.Context(), args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	if _, err := os.Stat(busyboxPath); err != nil {
		t.Fatalf("busybox-static installed but %s is missing", busyboxPath)
	}
}

// busyboxBin makes a directory of links to every busybox applet.
func busyboxBin(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(busyboxPath, "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	dir := t.TempDir()
	for _, name := range strings.Fields(string(out)) {
		if err := os.Symlink(busyboxPath, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runBusybox runs script with "busybox sh -c" in a fresh fixture directory.
func runBusybox(ctx context.Context, t *testing.T, bin, script string) outcome {
	dir := filepath.Join(t.TempDir(), "work")
	writeFixtures(t, dir)
	ctx, cancel := context.WithTimeout(ctx, caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, busyboxPath, "sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin, "HOME=/root", "PWD=" + dir, "LC_ALL=C", "TZ=UTC", "USER=root"}
	var stdout, stderr bytes.Buffer
	cmd.Stdin = strings.NewReader(stdinText)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err := cmd.Run()
	// The sandbox runs in /work; busybox in a temporary directory.
	o := outcome{stdout: strings.ReplaceAll(stdout.String(), dir, "/work"),
		stderr: strings.ReplaceAll(stderr.String(), dir, "/work"), timedOut: ctx.Err() != nil}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		t.Fatalf("busybox: %v", err)
	}
	return o
}

// sharedRoot is a container root with the skeleton, written once: every
// case mounts its own fresh /work (with the fixtures) and /tmp on it, so
// nothing a snippet writes outlives it.
func sharedRoot(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.WriteSkeleton(root, "oracle"); err != nil {
		t.Fatal(err)
	}
	return root
}

// runSandbox runs script with "sh -c" in a container whose /work holds the
// same fixtures.
func runSandbox(ctx context.Context, t *testing.T, rt *sandbox.Runtime, root, script string) outcome {
	work, tmp := filepath.Join(t.TempDir(), "work"), filepath.Join(t.TempDir(), "tmp")
	writeFixtures(t, work)
	if err := os.Mkdir(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	c, err := rt.NewContainer(sandbox.ContainerConfig{Root: root, Hostname: "oracle",
		Mounts: []sandbox.Mount{{Source: work, Target: "/work"}, {Source: tmp, Target: "/tmp"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var stdout, stderr bytes.Buffer
	p, err := c.Start(ctx, sandbox.ProcessConfig{
		Args:  []string{"sh", "-c", script},
		Env:   []string{"PATH=" + pathEnv, "HOME=/root", "LC_ALL=C", "TZ=UTC", "USER=root"},
		Dir:   "/work",
		Stdin: strings.NewReader(stdinText), Stdout: &stdout, Stderr: &stderr,
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	o := outcome{}
	select {
	case <-p.Done():
	case <-time.After(caseTimeout):
		o.timedOut = true
		p.Signal(syscall.SIGKILL)
	}
	o.code = p.Wait()
	o.stdout, o.stderr = stdout.String(), stderr.String()
	return o
}

// knownRow matches a row of the differences table: | `name` | reason |
var knownRow = regexp.MustCompile("^\\|\\s*`([^`]+)`\\s*\\|(.*)\\|\\s*$")

// knownDifferences reads the case names listed in the "Expected
// differences" table of KNOWN_DIFFERENCES.md.
func knownDifferences(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../KNOWN_DIFFERENCES.md")
	if err != nil {
		t.Fatalf("reading the known differences: %v", err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	inTable := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "## ") {
			inTable = sc.Text() == "## Expected differences"
		}
		if m := knownRow.FindStringSubmatch(sc.Text()); m != nil && inTable {
			known[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return known
}

func TestOracle(t *testing.T) {
	ensureBusybox(t)
	bin := busyboxBin(t)
	known := knownDifferences(t)
	cacheDir := filepath.Join(os.TempDir(), "sockerless-oracle-cache")
	rt, err := sandbox.New(t.Context(), sandbox.Options{CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())

	root := sharedRoot(t)
	names := map[string]bool{}
	var mu sync.Mutex
	pass, diffs, ran := 0, 0, 0
	// The cases run in parallel (up to -parallel, GOMAXPROCS by default);
	// the group returns when all of them are done.
	t.Run("case", func(t *testing.T) {
		for i, tc := range cases {
			if names[tc.name] {
				t.Fatalf("duplicate case name %q", tc.name)
			}
			names[tc.name] = true
			_, listed := known[tc.name]
			if testing.Short() && i%5 != 0 && !listed {
				continue // -short: every fifth case, and all listed ones
			}
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				want := runBusybox(t.Context(), t, bin, tc.script)
				got := runSandbox(t.Context(), t, rt, root, tc.script)
				reason, listed := known[tc.name]
				ok := same(want, got)
				mu.Lock()
				ran++
				switch {
				case ok && !listed:
					pass++
					if *exactStderr && want.stderr != got.stderr {
						t.Logf("stderr differs:\nbusybox: %q\nsandbox: %q", want.stderr, got.stderr)
					}
				case !ok && listed:
					diffs++
				}
				mu.Unlock()
				switch {
				case ok && listed:
					t.Errorf("listed in KNOWN_DIFFERENCES.md (%s) but now matches busybox: remove it", reason)
				case listed:
					t.Logf("known difference (%s):\nscript: %s\nbusybox: %v\nsandbox: %v", reason, tc.script, want, got)
				case !ok:
					t.Errorf("script: %s\nbusybox: %v\nsandbox: %v", tc.script, want, got)
				}
			})
		}
	})
	for name := range known {
		if !names[name] {
			t.Errorf("KNOWN_DIFFERENCES.md lists %q, which is not an oracle case", name)
		}
	}
	t.Logf("oracle: %d cases (%d run), %d match busybox, %d known differences", len(cases), ran, pass, diffs)
	if len(cases) < 300 {
		t.Errorf("the oracle has %d cases; it must keep at least 300", len(cases))
	}
}
