package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the daemons' output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// stubPath is a PATH holding the test binary linked under the daemons'
// names, with the given backends.
func stubPath(t *testing.T, backends ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range append([]string{frontendBinary}, prefixed(backends)...) {
		if err := os.Symlink(self, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func prefixed(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, backendPrefix+n)
	}
	return out
}

func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "slup")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type upRun struct {
	cancel         context.CancelFunc
	done           chan error
	stdout, stderr *lockedBuffer
}

// startUp runs `sockerless up args` and waits until it printed DOCKER_HOST
// or returned.
func startUp(t *testing.T, path string, args ...string) *upRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	u := &upRun{cancel: cancel, done: make(chan error, 1), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	getenv := func(k string) string { return map[string]string{"PATH": path, "HOME": "/nonexistent"}[k] }
	go func() { u.done <- run(ctx, append([]string{"up"}, args...), getenv, u.stdout, u.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-u.done:
		case <-time.After(20 * time.Second):
			t.Error("up did not return")
		}
	})
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(u.stdout.String(), "DOCKER_HOST") {
			return u
		}
		select {
		case err := <-u.done:
			u.done <- err
			return u
		default:
		}
	}
	t.Fatalf("up did not start\nstderr:\n%s", u.stderr.String())
	return nil
}

// wait returns up's result.
func (u *upRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-u.done:
		u.done <- err
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("up did not return\nstderr:\n%s", u.stderr.String())
		return nil
	}
}

func readPid(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func gone(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

func TestUpAndStop(t *testing.T) {
	dir := shortTempDir(t)
	tcp := freePort(t)
	u := startUp(t, stubPath(t, "memory"), "--data-dir", dir, "--listen", "unix://"+dir+"/d.sock", "--listen", "tcp://"+tcp)
	want := "export DOCKER_HOST=unix://" + dir + "/d.sock\n"
	if got := u.stdout.String(); got != want {
		t.Fatalf("stdout %q, want %q\nstderr:\n%s", got, want, u.stderr.String())
	}
	if err := ping(t.Context(), "tcp://"+tcp, false); err != nil {
		t.Fatalf("tcp listener: %v", err)
	}
	backendPid := readPid(t, filepath.Join(dir, "memory", "pid"))
	frontendPid := readPid(t, filepath.Join(dir, "frontend.pid"))
	// A second up on the same directory is refused.
	var out lockedBuffer
	err := run(t.Context(), []string{"up", "--data-dir", dir}, func(k string) string { return "" }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second up: %v", err)
	}

	u.cancel() // SIGINT or SIGTERM
	if err := u.wait(t); err != nil {
		t.Fatalf("up: %v\n%s", err, u.stderr.String())
	}
	if !gone(backendPid) || !gone(frontendPid) {
		t.Errorf("daemons still running: backend %v frontend %v", !gone(backendPid), !gone(frontendPid))
	}
}

func TestUpDefaults(t *testing.T) {
	o, err := parseUp(nil, func(k string) string { return map[string]string{"HOME": "/home/u"}[k] }, &lockedBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.backend != "memory" || o.dataDir != "/home/u/.sockerless" ||
		strings.Join(o.listen, " ") != "unix:///home/u/.sockerless/docker.sock tcp://127.0.0.1:2375" {
		t.Fatalf("defaults %+v", o)
	}
}

func TestUpChildDies(t *testing.T) {
	dir := shortTempDir(t)
	u := startUp(t, stubPath(t, "crash"), "--backend", "crash", "--data-dir", dir, "--listen", "unix://"+dir+"/d.sock")
	err := u.wait(t)
	if err == nil || !strings.Contains(err.Error(), "backend") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("up: %v\n%s", err, u.stderr.String())
	}
	if !gone(readPid(t, filepath.Join(dir, "frontend.pid"))) {
		t.Error("frontend still running after the backend died")
	}
}

func TestUpStartFailures(t *testing.T) {
	tests := []struct {
		name, backend, want string
	}{
		{"backend fails at start", "broken", "exit status 2"},
		{"no such backend", "nope", "sockerless-backend-nope not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := shortTempDir(t)
			var out, errOut lockedBuffer
			getenv := func(k string) string { return map[string]string{"PATH": stubPath(t, "broken")}[k] }
			err := run(t.Context(), []string{"up", "--backend", tc.backend, "--data-dir", dir}, getenv, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("up: %v, want %q", err, tc.want)
			}
			if out.String() != "" {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}

func TestUpKillsStubbornDaemon(t *testing.T) {
	dir := shortTempDir(t)
	u := startUp(t, stubPath(t, "stubborn"), "--backend", "stubborn", "--data-dir", dir,
		"--listen", "unix://"+dir+"/d.sock", "--stop-timeout", "300ms")
	pid := readPid(t, filepath.Join(dir, "stubborn", "pid"))
	u.cancel()
	if err := u.wait(t); err != nil {
		t.Fatal(err)
	}
	if !gone(pid) {
		t.Error("backend that ignores SIGTERM survived")
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out, errOut lockedBuffer
	if err := run(t.Context(), []string{"version"}, os.Getenv, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "sockerless ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(t.Context(), []string{"frobnicate"}, os.Getenv, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "unknown command") {
		t.Fatalf("unknown command: %v %q", err, errOut.String())
	}
	if err := run(t.Context(), nil, os.Getenv, &out, &errOut); err == nil {
		t.Fatal("no command accepted")
	}
	errOut = lockedBuffer{}
	if err := run(t.Context(), []string{"up", "--help"}, os.Getenv, &out, &errOut); err != nil || !strings.Contains(errOut.String(), "-data-dir") {
		t.Fatalf("up --help: %v %q", err, errOut.String())
	}
}

func TestFrontendArgs(t *testing.T) {
	o, err := parseUp([]string{"--data-dir", "/d", "--listen", "tcp://0.0.0.0:2376", "--tlsverify",
		"--tlscert", "/c/cert.pem", "--tlskey", "/c/key.pem", "--tlscacert", "/c/ca.pem", "--log-level", "debug"},
		func(string) string { return "" }, &lockedBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(o.frontendArgs("unix:///d/backend.sock"), " ")
	want := "--backend unix:///d/backend.sock --listen tcp://0.0.0.0:2376 --tlsverify --tlscert /c/cert.pem --tlskey /c/key.pem --tlscacert /c/ca.pem --log-level debug"
	if got != want {
		t.Errorf("frontend args\n got %s\nwant %s", got, want)
	}
	for in, want := range map[string]string{"tcp://0.0.0.0:2376": "tcp://127.0.0.1:2376", "tcp://:2375": "tcp://127.0.0.1:2375",
		"tcp://[::]:2375": "tcp://[::1]:2375", "tcp://10.0.0.1:2375": "tcp://10.0.0.1:2375"} {
		if h := dockerHost([]string{in}); h != want {
			t.Errorf("DOCKER_HOST for %s = %s, want %s", in, h, want)
		}
	}
}

// TestBackendArgs: registry flags reach the backend, as dockerd's.
func TestBackendArgs(t *testing.T) {
	o, err := parseUp([]string{"--data-dir", "/d", "--log-level", "warn", "--registry-mirror", "http://127.0.0.1:5000",
		"--insecure-registry", "reg.local:5000", "--insecure-registry", "10.0.0.0/8"},
		func(string) string { return "" }, &lockedBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(o.backendArgs("/d/backend.sock"), " ")
	want := "--listen unix:///d/backend.sock --data-dir /d/memory --log-level warn --registry-mirror http://127.0.0.1:5000 " +
		"--insecure-registry reg.local:5000 --insecure-registry 10.0.0.0/8"
	if got != want {
		t.Errorf("backend args\n got %s\nwant %s", got, want)
	}
}
