package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// startPodman runs podman 4.3's API service (`podman system service`) on a
// unix socket with its storage in a fresh directory, as the reference for
// the libpod pod endpoints, and imports the test image into it.
func startPodman(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// podman runs containers here with these limits (../shared/TOOLS.md).
	conf := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\ndefault_ulimits = [\"nofile=1024:1024\",\"nproc=1000:1000\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	host := "unix://" + filepath.Join(dir, "podman.sock")
	cmd := exec.Command("podman", "--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"),
		"system", "service", "-t", "0", host)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+conf)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, _, code := podman(t, host, "version"); code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("podman service did not answer:\n%s", log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	tarball := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarball, harness.BusyboxRootfs(t), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPodman(t, host, "import", "--change", `CMD ["sh"]`, tarball, img)
	return host
}

// podID matches pod and container IDs in podman's output.
var podID = regexp.MustCompile(`[0-9a-f]{64}|[0-9a-f]{12}`)

// TestPodsDifferential runs one podman CLI sequence against podman's own
// service and against Sockerless and compares each step's exit code and
// output (IDs aside). It runs when SOCKERLESS_DIFFERENTIAL is set.
func TestPodsDifferential(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with podman")
	}
	sl := start(t)
	pm := startPodman(t)
	steps := [][]string{
		{"pod", "create", "--name", "web", "--label", "tier=front", "--infra-image", img, "--infra-command", "sleep 300"},
		{"pod", "create", "--name", "empty", "--infra=false"},
		{"pod", "create", "--name", "web", "--infra=false"},
		{"pod", "create", "--name", "bad/name", "--infra=false"},
		{"pod", "ps", "--sort", "name", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}} {{.Labels}}"},
		{"pod", "inspect", "web", "--format", "{{.Name}} {{.State}} {{.NumContainers}} {{.CreateInfra}} {{.ExitPolicy}} {{.SharedNamespaces}}"},
		{"pod", "inspect", "empty", "--format", "{{.State}} {{.NumContainers}} {{.CreateInfra}} {{.InfraContainerID}}"},
		{"pod", "inspect", "nosuch"},
		{"pod", "exists", "web"},
		{"pod", "exists", "nosuch"},
		{"pod", "start", "web"},
		{"pod", "ps", "--filter", "status=running", "--format", "{{.Name}} {{.Status}}"},
		{"pod", "ps", "--filter", "label=tier=front", "--format", "{{.Name}}"},
		{"pod", "stop", "-t", "1", "web"},
		{"pod", "inspect", "web", "--format", "{{.State}}"},
		{"pod", "stop", "web"},
		{"pod", "kill", "empty"},
		{"pod", "restart", "web"},
		{"pod", "inspect", "web", "--format", "{{.State}}"},
		{"pod", "kill", "web"},
		{"pod", "rm", "nosuch"},
		{"pod", "prune", "-f"},
		{"pod", "ps", "--format", "{{.Name}}"},
		{"pod", "rm", "empty"},
		{"pod", "ps", "-q"},
	}
	// known are deliberate differences (docs/DECISIONS.md 16): podman's
	// 409s make its own client print an empty "Error: "; Sockerless's
	// carry the message the client prints.
	known := map[string]string{
		"pod kill empty": "Error: cannot kill a pod with no running containers: <id>",
	}
	for _, args := range steps {
		wantOut, wantErr, wantCode := podman(t, pm, args...)
		gotOut, gotErr, gotCode := podman(t, sl, args...)
		if k, ok := known[strings.Join(args, " ")]; ok {
			t.Logf("podman %s: podman prints %q", strings.Join(args, " "), errLine(wantErr))
			wantErr = k
		}
		if args[1] == "kill" {
			time.Sleep(500 * time.Millisecond) // the containers' ends are asynchronous
		}
		norm := func(s string) string { return sortedLists(strings.TrimSpace(podID.ReplaceAllString(s, "<id>"))) }
		if gotCode != wantCode || norm(gotOut) != norm(wantOut) || errLine(gotErr) != errLine(wantErr) {
			t.Errorf("podman %s:\n  sockerless: exit %d %q %q\n  podman:     exit %d %q %q", strings.Join(args, " "),
				gotCode, norm(gotOut), errLine(gotErr), wantCode, norm(wantOut), errLine(wantErr))
		}
	}
}

// bracketList is a Go-formatted list of words, such as SharedNamespaces.
var bracketList = regexp.MustCompile(`\[([a-z]+(?: [a-z]+)*)\]`)

// sortedLists sorts the words of each bracketed list in s: podman builds
// SharedNamespaces from a map, so its order changes from run to run.
func sortedLists(s string) string {
	return bracketList.ReplaceAllStringFunc(s, func(m string) string {
		words := strings.Fields(m[1 : len(m)-1])
		slices.Sort(words)
		return "[" + strings.Join(words, " ") + "]"
	})
}

// errLine is the "Error: ..." line of podman's stderr, IDs aside.
func errLine(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "Error: ") {
			return podID.ReplaceAllString(l, "<id>")
		}
	}
	return ""
}
