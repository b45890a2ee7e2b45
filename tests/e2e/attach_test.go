package e2e

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestAttach follows a running container's output with docker attach.
func TestAttach(t *testing.T) {
	host := start(t)
	harness.MustDocker(t, host, "run", "-d", "--name", "ticker", img, "sh", "-c",
		"i=0; while [ $i -lt 100 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", "attach", "--no-stdin", "ticker")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var lines int
	for sc.Scan() && lines < 3 {
		if !strings.HasPrefix(sc.Text(), "tick ") {
			t.Errorf("attach printed %q", sc.Text())
		}
		lines++
	}
	if lines < 3 {
		t.Errorf("attach printed %d lines before it ended: %v", lines, sc.Err())
	}
	harness.MustDocker(t, host, "rm", "-f", "ticker")
	if err := cmd.Wait(); err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Errorf("docker attach: %v", err)
	}
}

// TestRunInteractiveTTY runs docker run -it under a real pseudo-terminal
// (util-linux's script), as a user at a terminal does.
func TestRunInteractiveTTY(t *testing.T) {
	host := start(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script (util-linux) is needed to give docker a terminal: ", err)
	}
	cmd := exec.CommandContext(t.Context(), "script", "-qec",
		`docker run -it --rm `+img+` sh -c 'echo answer=$((6*7)); exit 6'`, "/dev/null")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
	// A user's keyboard stays open. Given /dev/null, script reaches the
	// end of its input while docker runs and may pass something to the
	// terminal, which echoes it into the output wherever it lands (CI
	// once saw "answer=42\x00\r\n").
	keyboard, typing, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer keyboard.Close()
	defer typing.Close()
	cmd.Stdin = keyboard
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 6 {
		t.Errorf("docker run -it: %v, want exit status 6; output %q", err, out)
	}
	if !strings.Contains(string(out), "answer=42\r\n") {
		t.Errorf("docker run -it output = %q, want answer=42 with a terminal's CRLF", out)
	}
}
