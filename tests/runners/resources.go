package runners

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// defaultNetworks are the networks every daemon has.
var defaultNetworks = []string{"bridge", "host", "none"}

// Resources lists the containers (all states), non-default networks and
// volumes at host, as the docker CLI shows them, each sorted.
type Resources struct {
	Containers, Networks, Volumes []string
}

// ListResources asks the daemon at host with the docker CLI.
func ListResources(t testing.TB, host string) Resources {
	t.Helper()
	lines := func(args ...string) []string {
		var out []string
		for _, l := range strings.Split(harness.MustDocker(t, host, args...), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		slices.Sort(out)
		return out
	}
	r := Resources{
		Containers: lines("ps", "-a", "--format", "{{.Names}} {{.Image}} {{.Status}}"),
		Volumes:    lines("volume", "ls", "-q"),
	}
	for _, n := range lines("network", "ls", "--format", "{{.Name}}") {
		if !slices.Contains(defaultNetworks, n) {
			r.Networks = append(r.Networks, n)
		}
	}
	return r
}

// Empty reports whether nothing is left.
func (r Resources) Empty() bool {
	return len(r.Containers)+len(r.Networks)+len(r.Volumes) == 0
}

// String formats r for a test log.
func (r Resources) String() string {
	return fmt.Sprintf("containers %q, networks %q, volumes %q", r.Containers, r.Networks, r.Volumes)
}

// RSS is the resident set size of process pid in KiB, from /proc.
func RSS(pid int) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
