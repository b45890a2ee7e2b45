// Package compare times the act suite of tests/workflows on Sockerless
// (memory backend) and on Debian's dockerd in the same run (issue 4,
// performance). It runs with SOCKERLESS_DIFFERENTIAL=1, as the other tests
// that start a dockerd; it is its own package so that its minutes do not
// count against the runner suite's test binary.
package compare

import (
	"os"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
	"github.com/sockerless/sockerless/tests/runners"
)

// TestActSuiteTimes runs the act suite on Sockerless, then on dockerd,
// at the same parallelism, checks every workflow's output on both, and
// reports the wall times.
func TestActSuiteTimes(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skipf("set %s=1 to time the act suite against dockerd", harness.DifferentialEnv)
	}
	actBin, _ := runners.Tools(t)
	workflows := runners.Workflows(t)
	sem := make(chan struct{}, runners.Parallel)

	s := harness.StartSplit(t, "memory")
	runners.ImportImages(t, s.Host)
	harness.MustDocker(t, s.Host, "run", "--rm", runners.RunnerImage, "true")
	sl := runners.RunSuite(t, "act", workflows, "memory", sem,
		runners.Act{Bin: actBin, Host: s.Host, Image: runners.RunnerImage}.Run)

	d := harness.StartDockerd(t)
	runners.ImportImages(t, d.Host)
	harness.MustDocker(t, d.Host, "run", "--rm", runners.RunnerImage, "true")
	dd := runners.RunSuite(t, "act", workflows, "dockerd", sem,
		runners.Act{Bin: actBin, Host: d.Host, Image: runners.RunnerImage}.Run)

	t.Logf("act suite, %d at a time: sockerless (memory) %v; dockerd %v", runners.Parallel, sl, dd)
}
