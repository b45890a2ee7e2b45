package harness

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// DifferentialEnv asks for tests that run a real dockerd beside Sockerless.
const DifferentialEnv = "SOCKERLESS_DIFFERENTIAL"

// StartDockerd runs Debian's dockerd (docker.io), installing it when
// missing, on a unix socket in a fresh directory, without iptables or a
// bridge. The caller decides whether the test is asked for (see
// [DifferentialEnv]).
func StartDockerd(t testing.TB) *Daemon {
	t.Helper()
	if _, err := exec.LookPath("dockerd"); err != nil {
		if os.Geteuid() != 0 {
			t.Fatal("dockerd is not installed and the test is not root: apt-get install docker.io")
		}
		for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "docker.io"}} {
			cmd := exec.Command("apt-get", args...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("apt-get %v: %v\n%s", args, err, out)
			}
		}
	}
	dir, err := os.MkdirTemp("", "dd-")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "docker.sock")
	d := &Daemon{Host: "unix://" + sock, DataDir: dir, log: &bytes.Buffer{}}
	d.cmd = exec.Command("dockerd", "--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"), "--pidfile", filepath.Join(dir, "pid"),
		"-H", d.Host, "--iptables=false", "--bridge=none")
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Stop(t)
		// dockerd leaves its default network namespace mounted.
		_ = syscall.Unmount(filepath.Join(dir, "exec", "netns", "default"), syscall.MNT_DETACH)
		os.RemoveAll(dir)
	})
	if err := waitPing(t.Context(), sock, 60*time.Second); err != nil {
		t.Fatalf("dockerd did not answer /_ping: %v\n%s", err, d.log.String())
	}
	return d
}
