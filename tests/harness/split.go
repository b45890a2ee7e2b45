package harness

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Split is a frontend and a backend daemon started separately, so a test
// can kill -9 the backend and start it again on the same data directory.
type Split struct {
	Host     string
	DataDir  string
	token    string
	backend  *exec.Cmd
	frontend *exec.Cmd
	log      *bytes.Buffer
	t        testing.TB
}

// StartSplit starts sockerless-backend-<backend> and the frontend.
func StartSplit(t testing.TB, backend string) *Split {
	t.Helper()
	Binaries(t)
	dir, err := os.MkdirTemp("", "sl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tok := make([]byte, 16)
	rand.Read(tok)
	s := &Split{Host: "unix://" + filepath.Join(dir, "docker.sock"), DataDir: dir,
		token: hex.EncodeToString(tok), log: &bytes.Buffer{}, t: t}
	s.StartBackend(backend)
	s.frontend = s.command("sockerless-frontend-docker", "--listen", s.Host,
		"--backend", "unix://"+filepath.Join(dir, "backend.sock"))
	t.Cleanup(func() {
		for _, c := range []*exec.Cmd{s.frontend, s.backend} {
			if c != nil && c.ProcessState == nil {
				c.Process.Kill()
				c.Wait()
			}
		}
	})
	if err := waitPing(t.Context(), filepath.Join(dir, "docker.sock"), 30*time.Second); err != nil {
		t.Fatalf("frontend did not answer /_ping: %v\n%s", err, s.log.String())
	}
	return s
}

func (s *Split) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Env = append(os.Environ(), "SOCKERLESS_TOKEN="+s.token)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// StartBackend starts the backend daemon on the split's data directory and
// waits for its socket.
func (s *Split) StartBackend(backend string) {
	sock := filepath.Join(s.DataDir, "backend.sock")
	s.backend = s.command("sockerless-backend-"+backend, "--listen", "unix://"+sock,
		"--data-dir", filepath.Join(s.DataDir, backend))
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := (&netDialer{}).dial(sock); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("backend socket never appeared\n%s", s.log.String())
}

// KillBackend ends the backend with SIGKILL, as a crash would.
func (s *Split) KillBackend() {
	s.backend.Process.Kill()
	s.backend.Wait()
}

// Log is what both daemons printed.
func (s *Split) Log() string { return s.log.String() }

// BackendPID is the process ID of the running backend daemon.
func (s *Split) BackendPID() int { return s.backend.Process.Pid }
