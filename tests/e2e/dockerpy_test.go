package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDockerPy is acceptance 2 of issue 3: docker-py (preinstalled on the
// machines, `python3 -c 'import docker'`) runs testdata/dockerpy/scenario.py
// against Sockerless and every result is the expected one.
func TestDockerPy(t *testing.T) {
	if out, err := exec.Command("python3", "-c", "import docker; print(docker.__version__)").CombinedOutput(); err != nil {
		t.Fatalf("docker-py is not installed (python3 -c 'import docker'): %v\n%s", err, out)
	}
	host := start(t)
	script, err := filepath.Abs(filepath.Join("testdata", "dockerpy", "scenario.py"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", script, img)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host, "DOCKER_TLS_VERIFY=", "DOCKER_CERT_PATH=")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("docker-py scenario: %v\n%s", err, out)
	}
}
