package client_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/agent/internal/proc"
	"github.com/sockerless/sockerless/agent/internal/rootfs"
	"github.com/sockerless/sockerless/agent/internal/server"
)

// reaper is the test binary's only reaper: two would race in wait4(-1)
// for each other's children.
var reaper *proc.Reaper

func TestMain(m *testing.M) {
	reaper = proc.NewReaper()
	code := m.Run()
	reaper.Close()
	os.Exit(code)
}

const token = "s3cret-token"

// newAgent runs an agent in-process over a fresh root directory, with main
// as its main process, and returns it with the root.
func newAgent(t testing.TB, main ...string) (*server.Agent, string) {
	t.Helper()
	root := t.TempDir()
	fsys, err := rootfs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fsys.Close() })
	if len(main) == 0 {
		main = []string{"sh", "-c", "echo main-out; echo main-err >&2; exec sleep 60"}
	}
	m, err := reaper.StartMain(proc.MainOptions{Args: main, Stdout: io.Discard, Stderr: io.Discard, ReplayBytes: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = m.Signal(syscall.SIGKILL)
		<-m.Done()
	})
	return &server.Agent{Main: m, Reaper: reaper, FS: fsys, Token: token, Log: zerolog.Nop()}, root
}

// dial serves a in forward mode and connects to it.
func dial(t testing.TB, a *server.Agent) *client.Conn {
	t.Helper()
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	c, err := client.Dial(t.Context(), srv.URL, token, client.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestTokenRefused(t *testing.T) {
	a, _ := newAgent(t)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	for _, tok := range []string{"", "wrong", token + "x"} {
		_, err := client.Dial(t.Context(), srv.URL, tok, client.DialOptions{})
		if !errdefs.IsPermissionDenied(err) {
			t.Errorf("token %q: err = %v, want permission denied", tok, err)
		}
	}
}

func TestExec(t *testing.T) {
	c := dial(t, must2(newAgent(t)))
	tests := []struct {
		name             string
		args             []string
		stdin            string
		tty              bool
		wantOut, wantErr string
		wantCode         int
	}{
		{"streams and exit code", []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, "", false, "out\n", "err\n", 3},
		{"stdin to EOF", []string{"cat"}, "hello\nworld\n", false, "hello\nworld\n", "", 0},
		{"no stdin reads /dev/null", []string{"sh", "-c", "cat; echo done"}, "", false, "done\n", "", 0},
		{"tty", []string{"sh", "-c", "test -t 1 && echo tty"}, "", true, "tty\r\n", "", 0},
		{"not found", []string{"no-such-command-xyz"}, "", false, "", "", 127},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			st := client.Streams{Stdout: &out, Stderr: &errb}
			if tc.stdin != "" {
				st.Stdin = strings.NewReader(tc.stdin)
			}
			pid := 0
			code, err := c.Exec(t.Context(), client.ExecSpec{Args: tc.args, TTY: tc.tty}, st, func(p int) { pid = p })
			if tc.wantCode == 127 {
				if err == nil && code != 127 {
					t.Fatalf("exec of a missing command: code %d, err nil", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantCode || out.String() != tc.wantOut || errb.String() != tc.wantErr {
				t.Errorf("got code %d out %q err %q, want %d %q %q", code, out.String(), errb.String(), tc.wantCode, tc.wantOut, tc.wantErr)
			}
			if pid == 0 {
				t.Error("started was not called with a PID")
			}
		})
	}
}

func TestExecSignalResizeAndCancel(t *testing.T) {
	c := dial(t, must2(newAgent(t)))
	sigs := make(chan syscall.Signal, 1)
	sigs <- syscall.SIGTERM
	code, err := c.Exec(t.Context(), client.ExecSpec{Args: []string{"sleep", "30"}}, client.Streams{Signals: sigs}, nil)
	if err != nil || code != 128+int(syscall.SIGTERM) {
		t.Errorf("signalled exec: code %d err %v, want 143", code, err)
	}

	resize := make(chan client.Size, 1)
	resize <- client.Size{Height: 33, Width: 101}
	var out bytes.Buffer
	code, err = c.Exec(t.Context(), client.ExecSpec{Args: []string{"sh", "-c", "sleep 0.3; stty size"}, TTY: true, Height: 24, Width: 80},
		client.Streams{Stdout: &out, Resize: resize}, nil)
	if err != nil || code != 0 || strings.TrimSpace(out.String()) != "33 101" {
		t.Errorf("resized exec: code %d err %v out %q", code, err, out.String())
	}

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Exec(ctx, client.ExecSpec{Args: []string{"sleep", "30"}}, client.Streams{}, nil); err == nil {
		t.Error("canceled exec returned no error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("canceled exec took %v", d)
	}
	// The connection is still usable after an abandoned session.
	if code, err := c.Exec(t.Context(), client.ExecSpec{Args: []string{"true"}}, client.Streams{}, nil); err != nil || code != 0 {
		t.Errorf("exec after cancel: %d %v", code, err)
	}
}

func TestAttachReplay(t *testing.T) {
	c := dial(t, must2(newAgent(t)))
	var out, errb bytes.Buffer
	deadline := time.Now().Add(5 * time.Second)
	for (out.Len() == 0 || errb.Len() == 0) && time.Now().Before(deadline) {
		out.Reset()
		errb.Reset()
		if _, err := c.Attach(t.Context(), client.AttachOptions{Logs: true}, client.Streams{Stdout: &out, Stderr: &errb}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out.String() != "main-out\n" || errb.String() != "main-err\n" {
		t.Errorf("replay: out %q err %q", out.String(), errb.String())
	}
}

func TestWaitAndSignalMain(t *testing.T) {
	c := dial(t, must2(newAgent(t, "sleep", "60")))
	done := make(chan int, 1)
	go func() {
		code, err := c.Wait(t.Context())
		if err != nil {
			t.Error(err)
		}
		done <- code
	}()
	if err := c.Signal(t.Context(), int(syscall.SIGTERM)); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 143 {
			t.Errorf("main exit code %d, want 143", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return")
	}
	if err := c.Signal(t.Context(), 0); !errdefs.IsInvalidArgument(err) {
		t.Errorf("signal 0: %v, want invalid argument", err)
	}
}

func TestArchives(t *testing.T) {
	a, root := newAgent(t)
	c := dial(t, a)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "dir/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "dir/f.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("hello"))
	tw.Close()
	if err := c.PutArchive(t.Context(), "/", &buf, client.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "dir/f.txt")); err != nil || string(b) != "hello" {
		t.Fatalf("extracted file: %q %v", b, err)
	}
	st, err := c.Stat(t.Context(), "/dir/f.txt")
	if err != nil || st.Name != "f.txt" || st.Size != 5 {
		t.Fatalf("stat: %+v %v", st, err)
	}
	rc, st, err := c.GetArchive(t.Context(), "/dir")
	if err != nil || st.Name != "dir" {
		t.Fatalf("get archive: %+v %v", st, err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == "dir/f.txt" {
			if b, _ := io.ReadAll(tr); string(b) != "hello" {
				t.Errorf("archived content %q", b)
			}
		}
	}
	if strings.Join(names, ",") != "dir/,dir/f.txt" {
		t.Errorf("archive entries %v", names)
	}
}

// TestContainment is acceptance 5: the agent never serves a path outside
// the container root, through "..", absolute symlinks or relative ones.
func TestContainment(t *testing.T) {
	a, root := newAgent(t)
	c := dial(t, a)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600)
	os.Symlink(outside, filepath.Join(root, "abs"))
	os.Symlink("../../../../../../.."+outside, filepath.Join(root, "rel"))
	for _, p := range []string{"/../../../../" + outside + "/secret", "/abs/secret", "/rel/secret", "/abs/", "/rel/."} {
		if st, err := c.Stat(t.Context(), p); err == nil && st.Name == "secret" {
			t.Errorf("stat %s reached outside the root: %+v", p, st)
		}
		rc, _, err := c.GetArchive(t.Context(), p)
		if err == nil {
			b, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(b, []byte("secret")) {
				t.Errorf("get archive %s served a file outside the root", p)
			}
		}
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "../escape", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1})
	tw.Write([]byte("x"))
	tw.Close()
	_ = c.PutArchive(t.Context(), "/abs", &buf, client.PutOptions{})
	for _, p := range []string{filepath.Join(outside, "escape"), filepath.Join(filepath.Dir(outside), "escape")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("put archive wrote %s outside the root", p)
		}
	}
}

func must2[A, B any](a A, _ B) A { return a }

func TestHealth(t *testing.T) {
	c := dial(t, must2(newAgent(t)))
	tests := []struct {
		name     string
		args     []string
		timeout  time.Duration
		wantCode int
		wantOut  string
	}{
		{"healthy", []string{"sh", "-c", "echo ok"}, 5 * time.Second, 0, "ok\n"},
		{"unhealthy", []string{"sh", "-c", "echo bad >&2; exit 1"}, 5 * time.Second, 1, "bad\n"},
		{"timed out", []string{"sleep", "5"}, 100 * time.Millisecond, -1, "Health check exceeded timeout (100ms)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, err := c.Health(t.Context(), client.ExecSpec{Args: tc.args}, tc.timeout)
			if err != nil || code != tc.wantCode || out != tc.wantOut {
				t.Errorf("health: %d %q %v, want %d %q", code, out, err, tc.wantCode, tc.wantOut)
			}
		})
	}
	if _, _, err := c.Health(t.Context(), client.ExecSpec{Args: []string{"true"}}, 0); !errdefs.IsInvalidArgument(err) {
		t.Errorf("health without a timeout: %v", err)
	}
}
