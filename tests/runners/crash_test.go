package runners

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// longWorkflow prints a marker, then sleeps long enough for the backend to
// be killed under it.
const longWorkflow = `name: crash
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - shell: sh
        run: |
          echo "STARTED=yes"
          sleep 120
          echo "FINISHED=yes"
`

// TestBackendKilledMidWorkflow kills the backend daemon with SIGKILL while
// act runs a step: act must fail with a clear error, not hang or pass; after
// the backend restarts on the same data directory, the next workflow passes
// (issue 4, acceptance 3).
func TestBackendKilledMidWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real CI runner")
	}
	actBin, _ := Tools(t)
	s := harness.StartSplit(t, "memory")
	ImportImages(t, s.Host)
	act := Act{Bin: actBin, Host: s.Host, Image: RunnerImage}

	p := NewProject(t, map[string][]byte{".github/workflows/crash.yml": []byte(longWorkflow)}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	done := make(chan Result, 1)
	go func() {
		r, err := act.Run(ctx, p, ".github/workflows/crash.yml")
		if err != nil {
			r.Log += "\nrun error: " + err.Error()
			r.Exit = -1
		}
		done <- r
	}()
	// The step is running once its container runs an exec: wait for the
	// job container, then give the step a moment to start sleeping.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(harness.MustDocker(t, s.Host, "ps", "--format", "{{.Names}}"), "act-crash-long") {
		if time.Now().After(deadline) {
			t.Fatal("the job container never ran")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	killed := time.Now()
	s.KillBackend()

	r := <-done
	t.Logf("act ended %.1fs after the kill, exit %d", time.Since(killed).Seconds(), r.Exit)
	if r.Exit == 0 || r.Exit == -1 {
		t.Fatalf("act exit %d after the backend was killed, want a failure exit\n%s", r.Exit, r.Log)
	}
	if slices.Contains(r.Output, "FINISHED=yes") {
		t.Errorf("the step finished although its backend was killed\n%s", r.Log)
	}
	if !strings.Contains(r.Log, "Error") {
		t.Errorf("act's log has no error for the lost backend\n%s", r.Log)
	}
	t.Logf("act's error lines:\n%s", errorLines(r.Log))

	s.StartBackend("memory")
	// The job container outlived the crash (act could not remove it): it
	// is back as exited, not running, and goes with docker rm.
	t.Logf("after the restart: %v", ListResources(t, s.Host))
	cases := Workflows(t)
	for _, c := range cases {
		if c.Name == "run-sh" {
			d := RunCase(t, c, "memory", act.Run)
			t.Logf("run-sh after the restart passed in %.1fs", d.Seconds())
		}
	}
}

// errorLines returns the lines of log that report an error.
func errorLines(log string) string {
	var b strings.Builder
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "rror") || strings.Contains(l, "Failure") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
