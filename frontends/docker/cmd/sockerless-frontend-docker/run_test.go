package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/frontends/docker/internal/backendtest"
)

// lockedBuffer collects the daemon's log for failure messages.
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

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// startFrontend runs the daemon with args until the test ends and waits
// until dialAddr accepts connections.
func startFrontend(t *testing.T, getenv func(string) string, network, dialAddr string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var log lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, &log, &log) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v\n%s", err, log.String())
			}
		case <-time.After(15 * time.Second):
			t.Errorf("frontend did not stop\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("frontend exited: %v\n%s", err, log.String())
		default:
		}
		if c, err := net.Dial(network, dialAddr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("frontend not listening on %s\n%s", dialAddr, log.String())
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

func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "slfe")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestRunRefusesWithoutToken(t *testing.T) {
	var log lockedBuffer
	err := run(t.Context(), []string{"--backend", "unix:///x.sock", "--listen", "unix:///tmp/x.sock"}, env(nil), &log, &log)
	if err == nil || !strings.Contains(err.Error(), "SOCKERLESS_TOKEN") {
		t.Fatalf("run without token: %v", err)
	}
}

func TestRunFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no backend", []string{"--listen", "unix:///tmp/a.sock"}, "--backend is required"},
		{"no listener", []string{"--backend", "unix:///b.sock"}, "--listen"},
		{"bad listener", []string{"--backend", "unix:///b.sock", "--listen", "http://x"}, "scheme must be unix or tcp"},
		{"bad backend", []string{"--backend", "ftp://b", "--listen", "unix:///tmp/a.sock"}, "scheme must be"},
		{"missing certs", []string{"--backend", "unix:///b.sock", "--listen", "tcp://127.0.0.1:0", "--tlsverify", "--tlscert", "/nonexistent"}, "load TLS certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log lockedBuffer
			err := run(t.Context(), tc.args, env(map[string]string{"SOCKERLESS_TOKEN": "x"}), &log, &log)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRunUnixAndTCP(t *testing.T) {
	fb := backendtest.New(t)
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "docker.sock")
	// A stale socket from a dead daemon is replaced.
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	tcp := freePort(t)
	startFrontend(t, env(map[string]string{"SOCKERLESS_TOKEN": backendtest.Token}), "unix", sock,
		"--backend", fb.Addr, "--listen", "unix://"+sock, "--listen", "tcp://"+tcp)
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode %v, %v", fi.Mode(), err)
	}
	for _, host := range []string{"unix://" + sock, "tcp://" + tcp} {
		cli, err := client.New(client.WithHost(host))
		if err != nil {
			t.Fatal(err)
		}
		v, err := cli.ServerVersion(t.Context(), client.ServerVersionOptions{})
		cli.Close()
		if err != nil || len(v.Components) != 2 {
			t.Fatalf("%s: version %+v, %v", host, v, err)
		}
	}
}

// TestShutdownCutsStreams stops the daemon while a followed log stream and
// an attach are open: both end, and run returns soon after the grace.
func TestShutdownCutsStreams(t *testing.T) {
	fb := backendtest.New(t)
	sock := filepath.Join(shortTempDir(t), "docker.sock")
	ctx, cancel := context.WithCancel(t.Context())
	var log lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--backend", fb.Addr, "--listen", "unix://" + sock, "--shutdown-timeout", "200ms"},
			env(map[string]string{"SOCKERLESS_TOKEN": backendtest.Token}), &log, &log)
	}()
	var cli *client.Client
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if cli, err = client.New(client.WithHost("unix://" + sock)); err == nil {
			if _, err = cli.Ping(t.Context(), client.PingOptions{}); err == nil {
				break
			}
			cli.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("frontend not up: %v\n%s", err, log.String())
		}
	}
	defer cli.Close()
	logs, err := cli.ContainerLogs(t.Context(), "c1", client.ContainerLogsOptions{Follow: true, ShowStdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	att, err := cli.ContainerAttach(t.Context(), "c1", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if _, err := bufio.NewReader(logs).ReadString('\n'); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("run did not return\n%s", log.String())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	_ = att.Conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(att.Reader); os.IsTimeout(err) {
		t.Error("attach stream survived the shutdown")
	}
}
