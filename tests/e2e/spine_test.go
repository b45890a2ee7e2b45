// Package e2e drives a running Sockerless with the real docker CLI, as a
// user would: the acceptance checks of the spine (issue 8) and the sandbox
// (issue 7) through the memory backend.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

const img = "busybox:e2e"

func start(t *testing.T) string {
	t.Helper()
	d := harness.StartSockerless(t, "memory")
	harness.ImportBusybox(t, d.Host, img)
	return d.Host
}

func TestVersionInfoPs(t *testing.T) {
	host := start(t)
	out := harness.MustDocker(t, host, "version", "--format", "{{json .}}")
	var v struct {
		Server struct {
			APIVersion string `json:"ApiVersion"`
			Os         string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("docker version json: %v\n%s", err, out)
	}
	if v.Server.Os != "linux" || v.Server.APIVersion == "" {
		t.Errorf("server version = %+v", v.Server)
	}
	info := harness.MustDocker(t, host, "info", "--format", "{{.Images}} {{.Containers}} {{.OSType}}")
	if got := strings.TrimSpace(info); got != "1 0 linux" {
		t.Errorf("docker info = %q, want %q", got, "1 0 linux")
	}
	if out := harness.MustDocker(t, host, "ps", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("docker ps -a on a new daemon lists %q", out)
	}
}

func TestRunOutputAndExitCodes(t *testing.T) {
	host := start(t)
	if out := harness.MustDocker(t, host, "run", "--rm", img, "echo", "hello"); out != "hello\n" {
		t.Errorf("run echo = %q", out)
	}
	if r := harness.Docker(t, host, nil, "run", img, "sh", "-c", "exit 3"); r.ExitCode != 3 {
		t.Errorf("run exit 3: got exit %d (%s)", r.ExitCode, r.Stderr)
	}
	if out := harness.MustDocker(t, host, "run", "--rm", img, "sh", "-c",
		`for i in $(seq 1 5); do echo $i; done | awk "{s+=\$1} END {print s}"`); out != "15\n" {
		t.Errorf("seq|awk = %q, want 15", out)
	}
	r := harness.Docker(t, host, []byte("data\n"), "run", "-i", "--rm", img, "cat")
	if r.ExitCode != 0 || r.Stdout != "data\n" {
		t.Errorf("run -i cat = %q exit %d (%s)", r.Stdout, r.ExitCode, r.Stderr)
	}
	r = harness.Docker(t, host, nil, "run", "--rm", img, "nope-not-a-command")
	if r.ExitCode != 127 || !strings.Contains(r.Stderr, "nope-not-a-command") {
		t.Errorf("run unknown command: exit %d stderr %q, want 127 naming the command", r.ExitCode, r.Stderr)
	}
}

func TestDetachedLifecycle(t *testing.T) {
	host := start(t)
	harness.MustDocker(t, host, "run", "-d", "--name", "svc", img, "sh", "-c", "echo started; sleep 300")
	if out := harness.MustDocker(t, host, "ps", "--format", "{{.Names}} {{.Status}}"); !strings.HasPrefix(out, "svc Up") {
		t.Errorf("docker ps = %q", out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	follow := exec.CommandContext(ctx, "docker", "logs", "-f", "svc")
	follow.Env = append(os.Environ(), "DOCKER_HOST="+host)
	var fbuf syncBuffer
	follow.Stdout = &fbuf
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(fbuf.String(), "started") }, "logs -f shows output")
	follow.Process.Kill()
	follow.Wait()

	if out := harness.MustDocker(t, host, "exec", "svc", "sh", "-c", "echo $HOSTNAME"); strings.TrimSpace(out) == "" {
		t.Error("exec echo $HOSTNAME printed nothing")
	}
	r := harness.Docker(t, host, []byte("from stdin"), "exec", "-i", "svc", "cat")
	if r.Stdout != "from stdin" {
		t.Errorf("exec -i cat = %q (%s)", r.Stdout, r.Stderr)
	}
	if r := harness.Docker(t, host, nil, "exec", "svc", "sh", "-c", "exit 7"); r.ExitCode != 7 {
		t.Errorf("exec exit 7 gave %d", r.ExitCode)
	}
	if out := harness.MustDocker(t, host, "top", "svc"); !strings.Contains(out, "sleep") {
		t.Errorf("docker top = %q, want the sleep process", out)
	}
	harness.MustDocker(t, host, "stats", "--no-stream", "svc")
	begin := time.Now()
	harness.MustDocker(t, host, "stop", "-t", "1", "svc")
	if d := time.Since(begin); d > 8*time.Second {
		t.Errorf("stop -t 1 took %v", d)
	}
	if st := inspectState(t, host, "svc"); st != "exited" {
		t.Errorf("after stop state = %q", st)
	}
	harness.MustDocker(t, host, "start", "svc")
	if st := inspectState(t, host, "svc"); st != "running" {
		t.Errorf("after start state = %q", st)
	}
	harness.MustDocker(t, host, "restart", "-t", "1", "svc")
	if st := inspectState(t, host, "svc"); st != "running" {
		t.Errorf("after restart state = %q", st)
	}
	harness.MustDocker(t, host, "kill", "-s", "TERM", "svc")
	waitFor(t, func() bool { return inspectState(t, host, "svc") == "exited" }, "kill -s TERM ends the container")
	harness.MustDocker(t, host, "rm", "-f", "svc")
	r = harness.Docker(t, host, nil, "inspect", "svc")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "No such object: svc") {
		t.Errorf("inspect after rm: exit %d stderr %q", r.ExitCode, r.Stderr)
	}
}

func TestErrorsReadAsDockerd(t *testing.T) {
	host := start(t)
	r := harness.Docker(t, host, nil, "logs", "nosuch")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "No such container: nosuch") {
		t.Errorf("logs nosuch: %q", r.Stderr)
	}
	harness.MustDocker(t, host, "create", "--name", "dup", img, "true")
	r = harness.Docker(t, host, nil, "create", "--name", "dup", img, "true")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, `Conflict. The container name "/dup" is already in use by container`) {
		t.Errorf("name conflict: %q", r.Stderr)
	}
}

func TestTTYAndCopy(t *testing.T) {
	host := start(t)
	// A TTY container's output is a raw stream: no 8-byte frame headers.
	out := harness.MustDocker(t, host, "run", "-t", "--rm", img, "echo", "tty")
	if strings.TrimRight(out, "\r\n") != "tty" {
		t.Errorf("run -t echo = %q", out)
	}

	harness.MustDocker(t, host, "run", "-d", "--name", "cp", img, "sleep", "300")
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "dir", "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "dir", "sub", "f.txt"), []byte("content"), 0o640)
	os.WriteFile(filepath.Join(src, "dir", "run.sh"), []byte("#!/bin/sh\necho ran\n"), 0o755)
	os.Symlink("sub/f.txt", filepath.Join(src, "dir", "link"))
	harness.MustDocker(t, host, "cp", filepath.Join(src, "dir"), "cp:/tmp/")
	if out := harness.MustDocker(t, host, "exec", "cp", "cat", "/tmp/dir/link"); out != "content" {
		t.Errorf("cat through copied symlink = %q", out)
	}
	if out := harness.MustDocker(t, host, "exec", "cp", "/tmp/dir/run.sh"); out != "ran\n" {
		t.Errorf("copied script = %q", out)
	}
	dst := t.TempDir()
	harness.MustDocker(t, host, "cp", "cp:/tmp/dir", dst)
	fi, err := os.Stat(filepath.Join(dst, "dir", "sub", "f.txt"))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("copied back f.txt: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(dst, "dir", "link")); err != nil || target != "sub/f.txt" {
		t.Errorf("copied back symlink = %q, %v", target, err)
	}
	if fi, err := os.Stat(filepath.Join(dst, "dir", "run.sh")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("copied back run.sh mode: %v %v", fi, err)
	}
	// Paths can never leave the container's root.
	r := harness.Docker(t, host, nil, "cp", "cp:/../../../../etc/shadow", dst)
	if r.ExitCode == 0 {
		if _, err := os.Stat(filepath.Join(dst, "shadow")); err == nil {
			if b, _ := os.ReadFile("/etc/shadow"); len(b) > 0 {
				got, _ := os.ReadFile(filepath.Join(dst, "shadow"))
				if bytes.Equal(got, b) {
					t.Fatal("docker cp read the host's /etc/shadow")
				}
			}
		}
	}
}

func inspectState(t *testing.T, host, name string) string {
	t.Helper()
	return strings.TrimSpace(harness.MustDocker(t, host, "inspect", "--format", "{{.State.Status}}", name))
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting: %s", what)
}
