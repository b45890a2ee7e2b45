// Package harness starts Sockerless, and the real dockerd used as the
// reference, for end-to-end tests that drive them with real clients (the
// docker CLI, the moby Go client).
//
// The harness builds the binaries from the working tree into a temporary
// directory once per test binary, starts `sockerless up` on a unix socket
// in a fresh data directory, and builds test images from Debian's
// busybox-static with `docker import`, so no registry is needed.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Root is the repository root: the directory holding go.work.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("harness: go.work not found above the working directory")
		}
		dir = parent
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Binaries builds the Sockerless binaries once per test process and returns
// the directory holding them.
func Binaries(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root := Root(t)
		dir, err := os.MkdirTemp("", "sockerless-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		// make build, so the binaries carry the same link-time version,
		// commit and date as a release.
		if out, err := run(root, "make", "build", "BIN="+dir); err != nil {
			buildErr = fmt.Errorf("make build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func run(dir string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// Daemon is a running Docker API endpoint under test.
type Daemon struct {
	// Host is the DOCKER_HOST value that reaches it.
	Host    string
	DataDir string
	cmd     *exec.Cmd
	log     *bytes.Buffer
}

// StartSockerless runs `sockerless up --backend backend` in a fresh data
// directory and waits until it answers /_ping. It is stopped when t ends.
func StartSockerless(t testing.TB, backend string) *Daemon {
	t.Helper()
	bin := Binaries(t)
	dir, err := os.MkdirTemp("", "sl-") // short: unix socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "docker.sock")
	d := &Daemon{Host: "unix://" + sock, DataDir: dir, log: &bytes.Buffer{}}
	d.cmd = exec.Command(filepath.Join(bin, "sockerless"), "up", "--backend", backend,
		"--data-dir", dir, "--listen", d.Host)
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	d.cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop(t) })
	if err := waitPing(t.Context(), sock, 30*time.Second); err != nil {
		t.Fatalf("sockerless did not answer /_ping: %v\n%s", err, d.log.String())
	}
	return d
}

// Stop ends the daemon with SIGTERM, then SIGKILL after 10 s.
func (d *Daemon) Stop(t testing.TB) {
	if d.cmd == nil || d.cmd.Process == nil || d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
		t.Errorf("daemon did not stop on SIGTERM within 10s\n%s", d.log.String())
	}
}

// Log is what the daemon printed so far.
func (d *Daemon) Log() string { return d.log.String() }

func waitPing(ctx context.Context, sock string, timeout time.Duration) error {
	c := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}, Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := c.Get("http://docker/_ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return errors.Join(errors.New("timeout"), last)
}

// Result is the outcome of one docker CLI run.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// Docker runs the real docker CLI against host with stdin (may be nil).
func Docker(t testing.TB, host string, stdin []byte, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host, "DOCKER_CONTEXT=", "DOCKER_CLI_HINTS=false")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	return Result{Stdout: out.String(), Stderr: errb.String(), ExitCode: code}
}

// MustDocker is Docker that fails the test on a non-zero exit.
func MustDocker(t testing.TB, host string, args ...string) string {
	t.Helper()
	r := Docker(t, host, nil, args...)
	if r.ExitCode != 0 {
		t.Fatalf("docker %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.ExitCode, r.Stdout, r.Stderr)
	}
	return r.Stdout
}
