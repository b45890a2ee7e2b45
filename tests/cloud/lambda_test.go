package cloud

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// Acceptance 1 on Lambda: one-shot containers really invoke, with their
// output (stdout and stderr apart, through the reverse agent) and exit
// code.
func TestLambdaRun(t *testing.T) {
	t.Parallel()
	s := startLambda(t)
	s.importImage(image)
	tests := []struct {
		name             string
		cmd              string
		wantOut, wantErr string
		wantCode         int
	}{
		{"arithmetic", "echo $((6*7))", "42\n", "", 0},
		{"exit code", "exit 3", "", "", 3},
		{"both streams", "echo out; echo oops >&2; exit 7", "out\n", "oops\n", 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.docker("run", "--rm", image, "sh", "-c", tc.cmd)
			if r.Stdout != tc.wantOut || r.Stderr != tc.wantErr || r.ExitCode != tc.wantCode {
				t.Errorf("docker run: exit %d stdout %q stderr %q, want %d %q %q", r.ExitCode, r.Stdout, r.Stderr, tc.wantCode, tc.wantOut, tc.wantErr)
			}
		})
	}
	r := harness.Docker(t, s.Host, []byte("from stdin\n"), "run", "--rm", "-i", image, "cat")
	if r.Stdout != "from stdin\n" || r.ExitCode != 0 {
		t.Errorf("docker run -i cat: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	var fns struct {
		Functions []struct{ FunctionName string }
	}
	s.aws(&fns, "lambda", "list-functions")
	if len(fns.Functions) != 0 {
		t.Errorf("functions left after --rm: %+v", fns.Functions)
	}
}

// A long-running invocation with exec, cp, logs, stop and rm.
func TestLambdaLifecycle(t *testing.T) {
	t.Parallel()
	s := startLambda(t)
	s.importImage(image)
	id := strings.TrimSpace(s.mustDocker("run", "-d", "--name", "l1", image, "sh", "-c", "echo started; exec sleep 300"))
	var fn struct {
		Configuration struct{ FunctionName, PackageType string }
	}
	s.aws(&fn, "lambda", "get-function", "--function-name", "sockerless-"+id[:48])
	if fn.Configuration.PackageType != "Image" {
		t.Errorf("function: %+v", fn.Configuration)
	}
	f := "/tmp/sockerless-cloud-" + randomHex(6)
	t.Cleanup(func() { os.Remove(f) })
	s.mustDocker("exec", "l1", "sh", "-c", "echo hi > "+f)
	dst := t.TempDir()
	s.mustDocker("cp", "l1:"+f, dst)
	if b, err := os.ReadFile(filepath.Join(dst, filepath.Base(f))); err != nil || string(b) != "hi\n" {
		t.Fatalf("docker cp out: %q %v", b, err)
	}
	if r := s.docker("exec", "l1", "sh", "-c", "echo e >&2; exit 4"); r.ExitCode != 4 || r.Stderr != "e\n" {
		t.Errorf("exec: exit %d stderr %q", r.ExitCode, r.Stderr)
	}
	if out := s.mustDocker("logs", "l1"); out != "started\n" {
		t.Errorf("docker logs: %q", out)
	}
	s.mustDocker("stop", "l1")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "l1")); st != "exited 143" {
		t.Errorf("after stop: %q", st)
	}
	s.mustDocker("rm", "l1")
	var fns struct {
		Functions []struct{ FunctionName string }
	}
	s.aws(&fns, "lambda", "list-functions")
	if len(fns.Functions) != 0 {
		t.Errorf("functions left after rm: %+v", fns.Functions)
	}
}
