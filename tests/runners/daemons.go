package runners

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// Daemons is a Sockerless frontend and backend started as two processes
// on a fresh data directory, so that a test can kill either one (SIGKILL,
// as a crash) and start it again.
type Daemons struct {
	// Host is the DOCKER_HOST of the frontend.
	Host    string
	dir     string
	token   string
	backend string
	procs   map[string]*exec.Cmd
	mu      sync.Mutex
	log     bytes.Buffer
	t       testing.TB
}

// StartDaemons starts sockerless-backend-<backend> and
// sockerless-frontend-docker; both are killed when t ends.
func StartDaemons(t testing.TB, backend string) *Daemons {
	t.Helper()
	dir, err := os.MkdirTemp("", "slr-") // short: unix socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	d := &Daemons{Host: "unix://" + filepath.Join(dir, "docker.sock"), dir: dir, token: hex.EncodeToString(tok),
		backend: backend, procs: map[string]*exec.Cmd{}, t: t}
	t.Cleanup(func() {
		d.Kill("frontend")
		d.Kill("backend")
		os.RemoveAll(dir)
	})
	d.Start("backend")
	d.Start("frontend")
	return d
}

// Start starts "frontend" or "backend" and waits until it answers.
func (d *Daemons) Start(which string) {
	d.t.Helper()
	bin := harness.Binaries(d.t)
	backendSock := filepath.Join(d.dir, "backend.sock")
	var cmd *exec.Cmd
	sock := backendSock
	if which == "backend" {
		cmd = exec.Command(filepath.Join(bin, "sockerless-backend-"+d.backend), "--listen", "unix://"+backendSock,
			"--data-dir", filepath.Join(d.dir, d.backend))
	} else {
		sock = filepath.Join(d.dir, "docker.sock")
		cmd = exec.Command(filepath.Join(bin, "sockerless-frontend-docker"), "--listen", d.Host,
			"--backend", "unix://"+backendSock)
	}
	cmd.Env = append(os.Environ(), "SOCKERLESS_TOKEN="+d.token)
	cmd.Stdout, cmd.Stderr = &lockedWriter{mu: &d.mu, w: &d.log}, &lockedWriter{mu: &d.mu, w: &d.log}
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.procs[which] = cmd
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if which == "backend" {
			if conn, err := net.Dial("unix", sock); err == nil {
				conn.Close()
				return
			}
			continue
		}
		if resp, err := c.Get("http://docker/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	d.t.Fatalf("%s did not come up\n%s", which, d.Log())
}

// Kill ends "frontend" or "backend" with SIGKILL, as a crash would.
func (d *Daemons) Kill(which string) {
	if cmd := d.procs[which]; cmd != nil && cmd.ProcessState == nil {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// Log is what both daemons printed.
func (d *Daemons) Log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
