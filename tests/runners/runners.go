// Package runners runs real CI runners against a Docker API endpoint: act
// (nektos/act, GitHub Actions workflows) and gitlab-ci-local (GitLab
// pipelines through the docker CLI). The workflows live in tests/workflows
// and the pipelines in tests/gitlab; each carries its expectations as
// comments (see [Expect]), checked against the job output the runner
// printed, never only against its exit status.
//
// The package is backend-agnostic: it takes a DOCKER_HOST. The tests in
// this directory run it against Sockerless on the memory backend, and
// against Debian's dockerd for the timing comparison.
package runners

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

var (
	installOnce sync.Once
	installErr  error
	installOut  []byte
)

// Tools returns the paths of act and gitlab-ci-local, running install.sh
// first when one is missing. CI runs on a fresh machine: a tool that cannot
// be installed fails the test, it is never a skip.
func Tools(t testing.TB) (act, gitlabCILocal string) {
	t.Helper()
	act, gitlabCILocal = lookTool("act"), lookTool("gitlab-ci-local")
	if act != "" && gitlabCILocal != "" && lookTool("rsync") != "" {
		return act, gitlabCILocal
	}
	installOnce.Do(func() {
		cmd := exec.Command("sh", filepath.Join(harness.Root(t), "tests", "runners", "install.sh"))
		installOut, installErr = cmd.CombinedOutput()
	})
	if installErr != nil {
		t.Fatalf("tests/runners/install.sh: %v\n%s", installErr, installOut)
	}
	act, gitlabCILocal = lookTool("act"), lookTool("gitlab-ci-local")
	if act == "" || gitlabCILocal == "" {
		t.Fatalf("install.sh ran but act=%q gitlab-ci-local=%q\n%s", act, gitlabCILocal, installOut)
	}
	return act, gitlabCILocal
}

// lookTool finds name in $PATH, then in Go's install directory.
func lookTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dir := os.Getenv("GOBIN")
	if dir == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err != nil {
			return ""
		}
		dir = filepath.Join(string(trimNL(out)), "bin")
	}
	p := filepath.Join(dir, name)
	if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
		return p
	}
	return ""
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
