package unixsock

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "us")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// staleSocket leaves a socket file nobody answers on, as a daemon killed
// with -9 does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
}

func TestListenMode(t *testing.T) {
	// A permissive umask must not leak into the socket's mode.
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := shortDir(t)
	sock := filepath.Join(dir, "sub", "d.sock")
	l, err := Listen(t.Context(), sock, 0o660)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(sock)
	if err != nil || fi.Mode().Perm() != 0o660 || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	ents, _ := os.ReadDir(filepath.Dir(sock))
	if len(ents) != 1 {
		t.Fatalf("directory holds %d entries, want only the socket", len(ents))
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Fatalf("socket left after Close: %v", err)
	}
}

func TestListenReplacesOnlyStale(t *testing.T) {
	dir := shortDir(t)
	sock := filepath.Join(dir, "d.sock")
	staleSocket(t, sock)
	l, err := Listen(t.Context(), sock, 0o600)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	defer l.Close()
	if _, err := Listen(t.Context(), sock, 0o600); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Fatalf("second listen: %v", err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(t.Context(), file, 0o600); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("listen over a file: %v", err)
	}
}

// A listener closed after another daemon took its path over leaves the
// successor's socket alone.
func TestCloseKeepsSuccessor(t *testing.T) {
	dir := shortDir(t)
	sock := filepath.Join(dir, "d.sock")
	l1, err := Listen(t.Context(), sock, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(sock)
	l2, err := Listen(t.Context(), sock, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	l1.Close()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("successor's socket gone: %v", err)
	}
	c.Close()
}

// A path with no room for a temporary name beside it still works.
func TestListenLongPath(t *testing.T) {
	dir := shortDir(t)
	name := strings.Repeat("s", maxPath-len(dir)-1)
	sock := filepath.Join(dir, name)
	if len(sock) != maxPath {
		t.Fatalf("path length %d", len(sock))
	}
	l, err := Listen(t.Context(), sock, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, err := os.Lstat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
}
