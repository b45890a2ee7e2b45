package e2e

import (
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestBackendKill9 kills the backend while containers run and checks that a
// restarted backend reports every container truthfully: the running one as
// exited (its process died with the daemon), the exited one unchanged, the
// created one still created.
func TestBackendKill9(t *testing.T) {
	s := harness.StartSplit(t, "memory")
	harness.ImportBusybox(t, s.Host, img)
	harness.MustDocker(t, s.Host, "run", "-d", "--name", "running", img, "sleep", "300")
	harness.Docker(t, s.Host, nil, "run", "--name", "exited", img, "sh", "-c", "exit 5")
	harness.MustDocker(t, s.Host, "create", "--name", "created", img, "true")

	s.KillBackend()
	s.StartBackend("memory")

	out := harness.MustDocker(t, s.Host, "ps", "-a", "--format", "{{.Names}}|{{.State}}|{{.Status}}")
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) == 3 {
			got[parts[0]] = parts[1] + "|" + parts[2]
		}
	}
	if len(got) != 3 {
		t.Fatalf("docker ps -a after restart lists %d containers: %q\n%s", len(got), out, s.Log())
	}
	if st := got["running"]; !strings.HasPrefix(st, "exited|Exited (") {
		t.Errorf("running container after backend crash: %q", st)
	}
	if st := got["exited"]; !strings.HasPrefix(st, "exited|Exited (5)") {
		t.Errorf("exited container after backend crash: %q", st)
	}
	if st := got["created"]; !strings.HasPrefix(st, "created|") {
		t.Errorf("created container after backend crash: %q", st)
	}
	// The images survived too, and the restarted container runs again.
	harness.MustDocker(t, s.Host, "start", "running")
	if st := inspectState(t, s.Host, "running"); st != "running" {
		t.Errorf("restarted container state %q", st)
	}
}
