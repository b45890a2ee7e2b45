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

// TestDaemonKilledMidWorkflow kills the backend, then (in a second
// daemon pair) the frontend, with SIGKILL while act runs a step: act must
// fail with a clear error, not hang or pass; after the daemon restarts on
// the same data directory and socket, the next workflow passes (issue 4,
// acceptance 3).
func TestDaemonKilledMidWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real CI runner")
	}
	actBin, _ := Tools(t)
	var runSh Case
	for _, c := range Workflows(t) {
		if c.Name == "run-sh" {
			runSh = c
		}
	}
	tests := []struct {
		kill    string
		wantErr string // in act's log
	}{
		{"backend", "is unreachable"},
		{"frontend", "Cannot connect to the Docker daemon"},
	}
	for _, tc := range tests {
		t.Run(tc.kill, func(t *testing.T) {
			t.Parallel()
			d := StartDaemons(t, "memory")
			ImportImages(t, d.Host)
			act := Act{Bin: actBin, Host: d.Host, Image: RunnerImage}
			r, since := runAndKill(t, act, d, tc.kill)
			t.Logf("act ended %.1fs after the %s was killed, exit %d; its errors:\n%s", since.Seconds(), tc.kill, r.Exit, errorLines(r.Log))
			if r.Exit == 0 || r.Exit == -1 {
				t.Fatalf("act exit %d after the %s was killed, want a failure exit\n%s", r.Exit, tc.kill, r.Log)
			}
			if slices.Contains(r.Output, "FINISHED=yes") {
				t.Errorf("the step finished although the %s was killed\n%s", tc.kill, r.Log)
			}
			if !strings.Contains(r.Log, tc.wantErr) {
				t.Errorf("act's log does not contain %q\n%s", tc.wantErr, r.Log)
			}

			d.Start(tc.kill)
			// The job container outlived the crash (act could not remove
			// it): it goes with docker rm.
			left := ListResources(t, d.Host)
			t.Logf("after the restart: %v", left)
			for _, c := range left.Containers {
				harness.MustDocker(t, d.Host, "rm", "-f", "-v", strings.Fields(c)[0])
			}
			for _, v := range left.Volumes {
				harness.MustDocker(t, d.Host, "volume", "rm", v)
			}
			dur := RunCase(t, runSh, "memory", act.Run)
			t.Logf("run-sh after the restart passed in %.1fs", dur.Seconds())
		})
	}
}

// runAndKill runs longWorkflow under act and kills the daemon which
// while its step sleeps; it returns act's result and how long act took
// to end after the kill.
func runAndKill(t *testing.T, act Act, d *Daemons, which string) (Result, time.Duration) {
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
	// The step runs once the job container does: wait for it, then give
	// the step a moment to start sleeping.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(harness.MustDocker(t, d.Host, "ps", "--format", "{{.Names}}"), "act-crash-long") {
		if time.Now().After(deadline) {
			t.Fatal("the job container never ran")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	killed := time.Now()
	d.Kill(which)
	r := <-done
	return r, time.Since(killed)
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
