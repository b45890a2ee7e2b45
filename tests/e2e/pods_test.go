package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// podman runs the real podman 4.3 remote client (Debian's podman) against
// host, as `podman --url unix://... ARGS`. podman is a required tool: it
// is installed when missing, as the harness installs dockerd, and a
// machine where that cannot be done fails the test.
func podman(t *testing.T, host string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	installPodman(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "podman", append([]string{"--url", host}, args...)...)
	// A private config and runtime directory: the remote client reads
	// neither the machine's connections nor its storage.
	dir := t.TempDir()
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_RUNTIME_DIR="+dir, "CONTAINERS_CONF=/dev/null")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("podman %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), 0
}

func mustPodman(t *testing.T, host string, args ...string) string {
	t.Helper()
	out, errs, code := podman(t, host, args...)
	if code != 0 {
		t.Fatalf("podman %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// TestPods drives the libpod pod endpoints with the podman remote client:
// create (with and without an infra container), ps, inspect, exists,
// start, stop, restart, kill, rm and prune, with a member that joins the pod's network
// namespace through the Docker CLI (--network container:<infra>).
func TestPods(t *testing.T) {
	host := start(t)
	// podman splits --infra-command on spaces.
	id := strings.TrimSpace(mustPodman(t, host, "pod", "create", "--name", "web", "--label", "tier=front",
		"--infra-image", img, "--infra-command", "sleep 300"))
	if len(id) != 64 {
		t.Fatalf("pod create printed %q, want an ID", id)
	}
	mustPodman(t, host, "pod", "create", "--name", "empty", "--infra=false")
	if _, errs, code := podman(t, host, "pod", "create", "--name", "noimage"); code == 0 || !strings.Contains(errs, "--infra-image") {
		t.Errorf("pod create without an infra image: exit %d %s", code, errs)
	}
	infra := strings.TrimSpace(mustPodman(t, host, "pod", "inspect", "web", "--format", "{{.InfraContainerID}}"))
	harness.MustDocker(t, host, "create", "--name", "app", "--network", "container:"+infra, img, "sleep", "300")

	ps := mustPodman(t, host, "pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}")
	if !strings.Contains(ps, "web Created 2") || !strings.Contains(ps, "empty Created 0") {
		t.Errorf("pod ps before start:\n%s", ps)
	}
	if _, _, code := podman(t, host, "pod", "exists", "web"); code != 0 {
		t.Errorf("pod exists web: exit %d", code)
	}
	if _, _, code := podman(t, host, "pod", "exists", "nosuch"); code != 1 {
		t.Errorf("pod exists nosuch: exit %d, want 1", code)
	}
	if _, errs, code := podman(t, host, "pod", "start", "empty"); code == 0 || !strings.Contains(errs, "cannot start pod") {
		t.Errorf("pod start of an empty pod: exit %d %s", code, errs)
	}

	mustPodman(t, host, "pod", "start", "web")
	var inspect struct {
		State         string
		NumContainers int
		Containers    []struct{ Name, State string }
	}
	if err := json.Unmarshal([]byte(mustPodman(t, host, "pod", "inspect", "web")), &inspect); err != nil {
		t.Fatal(err)
	}
	if inspect.State != "Running" || inspect.NumContainers != 2 || inspect.Containers[1].Name != "app" {
		t.Errorf("pod inspect after start: %+v", inspect)
	}
	if st := inspectState(t, host, "app"); st != "running" {
		t.Errorf("member after pod start: %s", st)
	}
	filtered := mustPodman(t, host, "pod", "ps", "--filter", "label=tier=front", "--format", "{{.Name}}")
	if strings.TrimSpace(filtered) != "web" {
		t.Errorf("pod ps --filter label: %q", filtered)
	}
	if _, errs, code := podman(t, host, "pod", "rm", "web"); code == 0 || !strings.Contains(errs, "cannot be removed without force") {
		t.Errorf("pod rm of a running pod: exit %d %s", code, errs)
	}
	mustPodman(t, host, "pod", "kill", "web")
	waitPod(t, host, "web", "Exited")
	mustPodman(t, host, "pod", "start", "web")
	mustPodman(t, host, "pod", "restart", "web")
	waitPod(t, host, "web", "Running")
	mustPodman(t, host, "pod", "stop", "-t", "1", "web")
	waitPod(t, host, "web", "Exited")
	// prune removes the stopped pod, not the empty one.
	if out := mustPodman(t, host, "pod", "prune", "-f"); !strings.Contains(out, id) {
		t.Errorf("pod prune: %q, want %s", out, id)
	}
	if r := harness.Docker(t, host, nil, "inspect", "app"); r.ExitCode == 0 {
		t.Error("the member outlived its pod")
	}
	mustPodman(t, host, "pod", "rm", "empty")
	if ps := mustPodman(t, host, "pod", "ps", "-q"); strings.TrimSpace(ps) != "" {
		t.Errorf("pods left: %q", ps)
	}
}

func waitPod(t *testing.T, host, name, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := strings.TrimSpace(mustPodman(t, host, "pod", "inspect", name, "--format", "{{.State}}"))
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pod %s is %s, want %s", name, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var podmanInstall sync.Once

// installPodman installs Debian's podman when it is missing (as root).
func installPodman(t *testing.T) {
	t.Helper()
	podmanInstall.Do(func() {
		if _, err := exec.LookPath("podman"); err == nil || os.Geteuid() != 0 {
			return
		}
		for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "podman"}} {
			cmd := exec.Command("apt-get", args...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Logf("apt-get %v: %v\n%s", args, err, out)
				return
			}
		}
	})
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatal("podman is not installed and could not be (apt-get install -y podman): the pod tests drive its remote client")
	}
}
