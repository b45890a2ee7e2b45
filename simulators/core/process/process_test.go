package process

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func run(t *testing.T, spec Spec) (*Process, []string) {
	t.Helper()
	var mu sync.Mutex
	var lines []string
	lw := &LineWriter{Emit: func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }}
	spec.Stdout, spec.Stderr = lw, lw
	p, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("process did not exit")
	}
	lw.Close()
	return p, lines
}

func TestExitCodesAndOutput(t *testing.T) {
	tests := []struct {
		name  string
		argv  []string
		env   []string
		code  int
		lines []string
	}{
		{"arithmetic", []string{"sh", "-c", "echo $((6*7)); exit 3"}, nil, 3, []string{"42"}},
		{"env", []string{"sh", "-c", "echo $GREETING"}, []string{"GREETING=hi"}, 0, []string{"hi"}},
		{"unterminated", []string{"printf", "a\nb"}, nil, 0, []string{"a", "b"}},
		{"killed by signal", []string{"sh", "-c", "kill -9 $$"}, nil, 137, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, lines := run(t, Spec{Argv: tc.argv, Env: append([]string{"PATH=/usr/bin:/bin"}, tc.env...)})
			if p.MaxRSS() <= 0 {
				t.Errorf("MaxRSS = %d", p.MaxRSS())
			}
			if p.ExitCode() != tc.code {
				t.Errorf("exit code = %d, want %d", p.ExitCode(), tc.code)
			}
			if d := cmp.Diff(tc.lines, lines); d != "" {
				t.Errorf("lines (-want +got):\n%s", d)
			}
		})
	}
}

func TestStopReachesChildren(t *testing.T) {
	p, err := Start(Spec{Argv: []string{"sh", "-c", "sleep 30; echo never"}, Env: []string{"PATH=/usr/bin:/bin"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p.Stop(5 * time.Second)
	if p.ExitCode() != 143 {
		t.Errorf("exit code = %d, want 143 (SIGTERM)", p.ExitCode())
	}
	if time.Since(start) > 4*time.Second {
		t.Error("stop waited for the grace period")
	}
	if !p.Stopped() {
		t.Error("Stopped() = false")
	}
}

func TestStopKillsAfterGrace(t *testing.T) {
	p, err := Start(Spec{Argv: []string{"sh", "-c", "trap '' TERM; sleep 30"}, Env: []string{"PATH=/usr/bin:/bin"}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the trap install
	p.Stop(200 * time.Millisecond)
	if p.ExitCode() != 137 {
		t.Errorf("exit code = %d, want 137 (SIGKILL)", p.ExitCode())
	}
}

func TestStartFailure(t *testing.T) {
	_, err := Start(Spec{Argv: []string{"/nonexistent/binary"}})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/binary") {
		t.Errorf("err = %v, want a start failure naming the program", err)
	}
	if _, err := Start(Spec{}); err == nil {
		t.Error("empty argv started")
	}
}
