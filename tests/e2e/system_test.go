package e2e

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestSystemDfPrune checks the system part of issue 3 with the docker CLI:
// /info counts, `docker system df` (and -v) with images, containers and
// volumes, and every prune endpoint, build cache included.
func TestSystemDfPrune(t *testing.T) {
	host := start(t)
	harness.MustDocker(t, host, "volume", "create", "data")
	harness.MustDocker(t, host, "run", "--name", "writer", "-v", "data:/d", img, "sh", "-c", "echo hello > /d/f")
	harness.MustDocker(t, host, "run", "-d", "--name", "runner", img, "sleep", "300")
	harness.MustDocker(t, host, "create", "--name", "created", img, "true")
	harness.MustDocker(t, host, "network", "create", "spare")

	info := harness.MustDocker(t, host, "info", "--format", "{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}")
	if got := strings.TrimSpace(info); got != "3 1 0 2 1" {
		t.Errorf("info counts = %q, want \"3 1 0 2 1\"", got)
	}

	rows := map[string]map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(harness.MustDocker(t, host, "system", "df", "--format", "{{json .}}")), "\n") {
		var row map[string]string
		if err := json.Unmarshal([]byte(l), &row); err != nil {
			t.Fatalf("system df row %q: %v", l, err)
		}
		rows[row["Type"]] = row
	}
	for typ, want := range map[string][2]string{"Images": {"1", "1"}, "Containers": {"3", "1"}, "Local Volumes": {"1", "1"}, "Build Cache": {"0", "0"}} {
		if r := rows[typ]; r["TotalCount"] != want[0] || r["Active"] != want[1] {
			t.Errorf("system df %s = %v, want total %s active %s", typ, r, want[0], want[1])
		}
	}
	if r := rows["Local Volumes"]; r["Size"] != "6B" {
		t.Errorf("volume size = %q, want 6B (hello\\n)", r["Size"])
	}
	verbose := harness.MustDocker(t, host, "system", "df", "-v")
	for _, want := range []string{"data ", "writer", "runner", "busybox"} {
		if !strings.Contains(verbose, want) {
			t.Errorf("system df -v lacks %q:\n%s", want, verbose)
		}
	}

	if out := harness.MustDocker(t, host, "builder", "prune", "-f"); !strings.Contains(out, "Total reclaimed space: 0B") {
		t.Errorf("builder prune: %q", out)
	}
	out := harness.MustDocker(t, host, "container", "prune", "-f")
	if !strings.Contains(out, "Deleted Containers:") || strings.Count(out, "\n") < 3 {
		t.Errorf("container prune: %q", out)
	}
	if out := harness.MustDocker(t, host, "network", "prune", "-f"); !strings.Contains(out, "spare") {
		t.Errorf("network prune: %q", out)
	}
	if out := harness.MustDocker(t, host, "volume", "prune", "-a", "-f"); !strings.Contains(out, "data") {
		t.Errorf("volume prune -a: %q", out)
	}
	// The running container keeps its image.
	harness.MustDocker(t, host, "image", "prune", "-a", "-f")
	info = harness.MustDocker(t, host, "info", "--format", "{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}}")
	if got := strings.TrimSpace(info); got != "1 1 0 1" {
		t.Errorf("info counts after prune = %q, want \"1 1 0 1\"", got)
	}
	harness.MustDocker(t, host, "rm", "-f", "runner")
	if out := harness.MustDocker(t, host, "system", "prune", "-a", "-f", "--volumes"); !strings.Contains(out, "Total reclaimed space") {
		t.Errorf("system prune: %q", out)
	}
	if got := strings.TrimSpace(harness.MustDocker(t, host, "info", "--format", "{{.Containers}} {{.Images}}")); got != "0 0" {
		t.Errorf("info counts after system prune = %q, want \"0 0\"", got)
	}
}

// TestSystemDifferential compares /info's counts, `docker system df` and
// the prune reports of Sockerless and dockerd after the same work. It
// runs when SOCKERLESS_DIFFERENTIAL is set.
func TestSystemDifferential(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with dockerd")
	}
	sl := start(t)
	dd := harness.StartDockerd(t)
	harness.ImportBusybox(t, dd.Host, img)
	var got [2][]string
	for i, host := range []string{dd.Host, sl} {
		harness.MustDocker(t, host, "volume", "create", "data")
		harness.MustDocker(t, host, "volume", "create", "idle")
		harness.MustDocker(t, host, "network", "create", "spare")
		harness.MustDocker(t, host, "run", "--name", "writer", "--network", "none", "-v", "data:/d", img, "sh", "-c", "echo hello > /d/f")
		harness.MustDocker(t, host, "run", "-d", "--name", "runner", "--network", "none", img, "sleep", "300")
		harness.MustDocker(t, host, "create", "--name", "created", "--network", "none", img, "true")
		out := []string{
			harness.MustDocker(t, host, "info", "--format", "{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}"),
			// Container sizes differ: the core writes /etc/hosts into the
			// root file system, where dockerd bind-mounts it.
			harness.MustDocker(t, host, "system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}"),
			// dockerd lists volumes in no fixed order: compared sorted.
			sortedEntries(harness.MustDocker(t, host, "system", "df", "-v", "--format", "{{range .Volumes}}{{.Name}} {{.Links}} {{.Size}};{{end}}")),
			harness.MustDocker(t, host, "builder", "prune", "-f"),
			strconv.Itoa(strings.Count(harness.MustDocker(t, host, "container", "prune", "-f"), "\n")),
			// volume prune is left out: dockerd 20.10 (API 1.41) prunes
			// every unused volume, API 1.42+ only anonymous ones.
			harness.MustDocker(t, host, "network", "prune", "-f"),
		}
		harness.MustDocker(t, host, "rm", "-f", "runner") // dockerd waits out busybox's SIGTERM otherwise
		got[i] = out
	}
	names := []string{"info counts", "system df", "system df -v volumes", "builder prune", "container prune lines", "network prune"}
	for k, name := range names {
		if got[0][k] != got[1][k] {
			t.Errorf("%s:\n  sockerless: %q\n  dockerd:    %q", name, got[1][k], got[0][k])
		}
	}
}

// sortedEntries sorts the ";"-terminated entries of s.
func sortedEntries(s string) string {
	entries := strings.Split(strings.TrimSuffix(strings.TrimSpace(s), ";"), ";")
	slices.Sort(entries)
	return strings.Join(entries, ";") + ";"
}
