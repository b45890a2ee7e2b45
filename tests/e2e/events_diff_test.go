package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestComposeEventsDifferential runs the same object lifecycles on
// Sockerless and dockerd and compares what `docker events` shows for each
// filter of issue 3 (type, container, image, network, volume, event,
// label): the same actions in the same order. Exec events are left out:
// dockerd's health probes and execs differ in timing. It runs when
// SOCKERLESS_DIFFERENTIAL is set.
func TestComposeEventsDifferential(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with dockerd")
	}
	sl := start(t)
	dd := harness.StartDockerd(t)
	harness.ImportBusybox(t, dd.Host, img)
	filters := [][]string{
		{"type=volume"}, {"type=network"}, {"type=image"}, {"container=f1"}, {"image=" + img}, {"network=fnet"},
		{"volume=fvol"}, {"event=die"}, {"label=team=a"}, {"label=team"}, {"event=die", "type=container"},
		{"container=f1", "event=start"}, {"image=fimg:1"},
	}
	got := map[string][]string{}
	for _, host := range []string{dd.Host, sl} {
		since := stamp(time.Now())
		harness.MustDocker(t, host, "network", "create", "fnet")
		harness.MustDocker(t, host, "volume", "create", "fvol")
		harness.MustDocker(t, host, "run", "--name", "f1", "--label", "team=a", "--network", "fnet", "-v", "fvol:/v", img, "true")
		// The reference dockerd runs without a default bridge.
		harness.MustDocker(t, host, "run", "--name", "f2", "--label", "team=b", "--network", "none", img, "true")
		harness.MustDocker(t, host, "run", "--rm", "--network", "none", img, "true")
		harness.MustDocker(t, host, "tag", img, "fimg:1")
		harness.MustDocker(t, host, "rmi", "fimg:1")
		harness.MustDocker(t, host, "rm", "f1", "f2")
		harness.MustDocker(t, host, "network", "rm", "fnet")
		harness.MustDocker(t, host, "volume", "rm", "fvol")
		until := stamp(time.Now())
		for _, f := range filters {
			args := []string{"events", "--since", since, "--until", until, "--format", "{{.Type}}:{{.Action}}"}
			for _, v := range f {
				args = append(args, "--filter", v)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(harness.MustDocker(t, host, args...)), "\n") {
				if l != "" && !strings.Contains(l, "exec_") {
					lines = append(lines, l)
				}
			}
			got[strings.Join(f, ",")] = append(got[strings.Join(f, ",")], strings.Join(lines, " "))
		}
	}
	for _, f := range filters {
		k := strings.Join(f, ",")
		if g := got[k]; g[0] != g[1] {
			t.Errorf("docker events --filter %s:\n  sockerless: %s\n  dockerd:    %s", k, g[1], g[0])
		}
	}
}

// stamp is t as the fractional Unix time `docker events` accepts.
func stamp(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + fmt.Sprintf("%09d", t.Nanosecond())
}
