// Package tests runs the AWS CLI scripts in cli/ against the simulator:
// acceptance line 2 of issue 5. The CLI must be installed; without it the
// test fails rather than skips.
package tests

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/simulators/aws/awssim"
)

func TestCLIScripts(t *testing.T) {
	cli, err := exec.LookPath("aws")
	if err != nil {
		t.Fatal("the AWS CLI is not installed (apt-get install awscli): ", err)
	}
	if real, err := exec.Command("pyenv", "which", "aws").Output(); err == nil {
		cli = strings.TrimSpace(string(real)) // skip pyenv's shim, a second per call
	}
	srv := httptest.NewUnstartedServer(nil)
	sim, err := awssim.New(t.Context(), awssim.Options{RegistryHost: srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = sim.Handler()
	srv.Start()
	t.Cleanup(func() { srv.Close(); sim.Close() })

	scripts, _ := filepath.Glob("cli/*.sh")
	for _, script := range scripts {
		if filepath.Base(script) == "lib.sh" {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(script), ".sh"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), "bash", script)
			cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+srv.URL, "AWS_CLI="+cli, "RUN_ID="+t.Name()[len("TestCLIScripts/"):])
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", script, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
