package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestComposeEvents is acceptance 3 of issue 3: `docker events --filter
// container=x` shows create, start, die (with exitCode) and destroy for
// `docker run --rm x`, in that order.
func TestComposeEvents(t *testing.T) {
	host := start(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ev := exec.CommandContext(ctx, "docker", "events", "--filter", "container=evx", "--format", "{{.Action}} {{.Actor.Attributes.exitCode}}")
	ev.Env = append(ev.Environ(), "DOCKER_HOST="+host)
	var out syncBuffer
	ev.Stdout = &out
	if err := ev.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the subscription is live before the run
	if r := harness.Docker(t, host, nil, "run", "--rm", "--name", "evx", img, "sh", "-c", "exit 7"); r.ExitCode != 7 {
		t.Fatalf("run exit 7: %d %s", r.ExitCode, r.Stderr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "destroy") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	_ = ev.Wait()
	var actions []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		actions = append(actions, strings.TrimSpace(strings.ReplaceAll(l, "<no value>", "")))
	}
	want := []string{"create", "start", "die 7", "destroy"}
	i := 0
	for _, a := range actions {
		if i < len(want) && a == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("events for docker run --rm = %q, want %q in order", actions, want)
	}

	// Volume and network events, filtered by type.
	since := time.Now().Add(-time.Second).Format(time.RFC3339Nano)
	harness.MustDocker(t, host, "network", "create", "evnet")
	harness.MustDocker(t, host, "volume", "create", "evvol")
	harness.MustDocker(t, host, "run", "--rm", "--network", "evnet", "-v", "evvol:/v", img, "true")
	harness.MustDocker(t, host, "network", "rm", "evnet")
	harness.MustDocker(t, host, "volume", "rm", "evvol")
	until := time.Now().Add(time.Second).Format(time.RFC3339Nano)
	got := harness.MustDocker(t, host, "events", "--since", since, "--until", until,
		"--filter", "type=network", "--filter", "type=volume", "--format", "{{.Type}} {{.Action}}")
	// dockerd's order: endpoints join at start and leave at stop, before
	// the volumes are unmounted.
	wantOrder := []string{"network create", "volume create", "network connect", "volume mount", "network disconnect",
		"volume unmount", "network destroy", "volume destroy"}
	i = 0
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if i < len(wantOrder) && l == wantOrder[i] {
			i++
		}
	}
	if i != len(wantOrder) {
		t.Errorf("network and volume events = %q, want %q in order", got, wantOrder)
	}
}

// TestComposeRestartPolicies is acceptance 4 of issue 3: on-failure:3
// ends exited with RestartCount 3, and an `always` container comes back
// after the backend is killed and started again.
func TestComposeRestartPolicies(t *testing.T) {
	s := harness.StartSplit(t, "memory")
	harness.ImportBusybox(t, s.Host, img)
	harness.MustDocker(t, s.Host, "run", "-d", "--name", "onfail", "--restart", "on-failure:3", img, "sh", "-c", "exit 1")
	harness.MustDocker(t, s.Host, "run", "-d", "--name", "always", "--restart", "always", "-v", "keep:/data", img,
		"sh", "-c", "date >> /data/starts; exec sleep 300")
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		got = strings.TrimSpace(harness.MustDocker(t, s.Host, "inspect", "--format", "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}", "onfail"))
		if got == "3 exited 1" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got != "3 exited 1" {
		t.Errorf("on-failure:3 ends as %q, want \"3 exited 1\"", got)
	}

	s.KillBackend()
	s.StartBackend("memory")
	deadline = time.Now().Add(30 * time.Second)
	for inspectState(t, s.Host, "always") != "running" && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if st := inspectState(t, s.Host, "always"); st != "running" {
		t.Fatalf("restart=always container after a backend restart: %s\n%s", st, s.Log())
	}
	// The named volume kept its data: two starts are recorded.
	out := harness.MustDocker(t, s.Host, "exec", "always", "sh", "-c", "wc -l < /data/starts")
	if strings.TrimSpace(out) != "2" {
		t.Errorf("starts recorded in the volume: %q, want 2", out)
	}
	if st := inspectState(t, s.Host, "onfail"); st != "exited" {
		t.Errorf("on-failure container after a backend restart: %s", st)
	}
}

// TestComposeBadInput is acceptance 5 of issue 3: bad input gets dockerd's
// status and message, and the daemon keeps serving.
func TestComposeBadInput(t *testing.T) {
	host := start(t)
	harness.MustDocker(t, host, "network", "create", "--subnet", "10.9.0.0/16", "used")
	harness.MustDocker(t, host, "volume", "create", "vbusy")
	harness.MustDocker(t, host, "run", "-d", "--name", "holder", "--network", "used", "-v", "vbusy:/v", img, "sleep", "300")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown network", []string{"network", "inspect", "nosuch"}, "network nosuch not found"},
		{"run on unknown network", []string{"run", "--rm", "--network", "nosuch", img, "true"}, "network nosuch not found"},
		{"unknown volume", []string{"volume", "inspect", "nosuch"}, "get nosuch: no such volume"},
		{"remove unknown volume", []string{"volume", "rm", "nosuch"}, "get nosuch: no such volume"},
		{"duplicate network", []string{"network", "create", "used"}, "network with name used already exists"},
		{"duplicate container", []string{"create", "--name", "holder", img}, "Conflict. The container name \"/holder\" is already in use"},
		{"overlapping subnet", []string{"network", "create", "--subnet", "10.9.1.0/24", "overlap"}, "Pool overlaps with other one on this address space"},
		{"network in use", []string{"network", "rm", "used"}, "has active endpoints"},
		{"volume in use", []string{"volume", "rm", "vbusy"}, "volume is in use"},
		{"predefined network", []string{"network", "rm", "bridge"}, "bridge is a pre-defined network and cannot be removed"},
		{"invalid volume name", []string{"volume", "create", "bad/name"}, "includes invalid characters for a local volume name"},
		{"static ip outside subnet", []string{"run", "--rm", "--network", "used", "--ip", "10.10.0.5", img, "true"}, "no configured subnet or ip-range contain the IP address 10.10.0.5"},
		{"static ip on default bridge", []string{"run", "--rm", "--ip", "172.17.0.50", img, "true"}, "user specified IP address is supported only when connecting to networks with user configured subnets"},
		{"unknown volumes-from", []string{"run", "--rm", "--volumes-from", "nosuch", img, "true"}, "No such container: nosuch"},
	}
	for _, tc := range tests {
		r := harness.Docker(t, host, nil, tc.args...)
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", tc.name, r.ExitCode, r.Stderr, tc.want)
		}
	}
	if out := harness.MustDocker(t, host, "inspect", "--format", "{{.State.Status}}", "holder"); strings.TrimSpace(out) != "running" {
		t.Errorf("daemon state after bad input: %q", out)
	}
}
