package runners

import (
	"slices"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestRunners runs every workflow under act and every pipeline under
// gitlab-ci-local against Sockerless on the memory backend, then checks
// that nothing was left behind and that the backend's memory came back
// (issue 4, acceptance 1 and 2). The timing against dockerd is in
// ./compare.
func TestRunners(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real CI runners")
	}
	actBin, gclBin := Tools(t)
	s := harness.StartSplit(t, "memory")
	ImportImages(t, s.Host)
	act := Act{Bin: actBin, Host: s.Host, Image: RunnerImage}
	gitlab := GitLab{Bin: gclBin, Host: s.Host, Image: RunnerImage, Helper: HelperImage}
	workflows, pipelines := Workflows(t), Pipelines(t)

	// One workflow first, so that the baseline includes what the first
	// runs cost once (the compiled toolbox, the runtime's pools).
	for _, c := range workflows {
		if c.Name == "run-sh" {
			t.Run("warm-up", func(t *testing.T) { RunCase(t, c, "memory", act.Run) })
		}
	}
	if slices.Contains(ListResources(t, s.Host).Volumes, "act-toolcache") {
		harness.MustDocker(t, s.Host, "volume", "rm", "act-toolcache")
	}
	before := ListResources(t, s.Host)
	rss0, err := RSS(s.BackendPID())
	if err != nil {
		t.Fatal(err)
	}

	sem := make(chan struct{}, Parallel)
	actTime := RunSuite(t, "act", workflows, "memory", sem, act.Run)
	gitlabTime := RunSuite(t, "gitlab", pipelines, "memory", sem, gitlab.Run)
	t.Logf("sockerless (memory), %d at a time: act suite %v; gitlab-ci-local suite %v", Parallel, actTime, gitlabTime)

	checkLeftovers(t, s.Host, before)
	checkMemory(t, s.BackendPID(), rss0)
}

// checkLeftovers fails t when the runs left containers, networks or
// volumes that were not there before. act keeps one volume on purpose,
// act-toolcache (its tool cache, /opt/hostedtoolcache, shared by every
// job, as on dockerd): it is allowed, then removed.
func checkLeftovers(t *testing.T, host string, before Resources) {
	t.Helper()
	after := ListResources(t, host)
	if i := slices.Index(after.Volumes, "act-toolcache"); i >= 0 {
		after.Volumes = slices.Delete(after.Volumes, i, i+1)
		harness.MustDocker(t, host, "volume", "rm", "act-toolcache")
	}
	if !slices.Equal(before.Containers, after.Containers) || !slices.Equal(before.Networks, after.Networks) ||
		!slices.Equal(before.Volumes, after.Volumes) {
		t.Errorf("left behind: before the runs %v; after %v", before, after)
	}
}

// checkMemory fails t when the backend's resident memory does not come
// back within 10% of rss0 (KiB). The Go runtime returns freed memory to the
// kernel in the background, so it is polled for a while.
func checkMemory(t *testing.T, pid, rss0 int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rss, err := RSS(pid)
		if err != nil {
			t.Fatal(err)
		}
		if float64(rss) <= 1.1*float64(rss0) {
			t.Logf("backend RSS: %d KiB before the runs, %d KiB after", rss0, rss)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("backend RSS: %d KiB before the runs, %d KiB 30s after them (more than 10%% above)", rss0, rss)
			return
		}
		time.Sleep(time.Second)
	}
}
