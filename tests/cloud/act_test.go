package cloud

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
	"github.com/sockerless/sockerless/tests/runners"
)

// agentImage is the image the ECS backend's init container delivers the
// agent from (--agent-image), imported into the simulator's dockerd.
const agentImage = "sockerless-agent:test"

// Acceptance 3: the act suite of tests/runners on the ECS backend, with
// the simulator running every task's containers as real Docker containers
// (--runtime docker on a dockerd of the test's own) and the agent
// delivered by an init container. The same expectations as on the memory
// backend; the workflows that cannot run on ECS say so (# backends) and
// docs/RUNNERS.md gives the reasons. Afterwards nothing is left: no
// container, task, task definition, EFS access point or Docker container.
func TestECSActSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs act against the ECS backend on a real dockerd")
	}
	actBin, _ := runners.Tools(t)
	s, dd := startECSOnDocker(t)
	before := runners.ListResources(t, s.Host)

	act := runners.Act{Bin: actBin, Host: s.Host, Image: runners.RunnerImage, DaemonSocket: "-"}
	sem := make(chan struct{}, runners.Parallel)
	st := runners.RunSuite(t, "act", runners.Workflows(t), "ecs", sem, act.Run)
	t.Logf("sockerless (ecs on the simulator, docker runtime), %d at a time: act suite %v", runners.Parallel, st)
	realContainers(t, s)

	after := runners.ListResources(t, s.Host)
	if i := slices.Index(after.Volumes, "act-toolcache"); i >= 0 {
		after.Volumes = slices.Delete(after.Volumes, i, i+1)
		s.mustDocker("volume", "rm", "act-toolcache")
	}
	if !slices.Equal(before.Containers, after.Containers) || !slices.Equal(before.Volumes, after.Volumes) ||
		!slices.Equal(before.Networks, after.Networks) {
		t.Errorf("left behind in Sockerless: before %v, after %v", before, after)
	}
	var tds struct{ TaskDefinitionArns []string }
	s.aws(&tds, "ecs", "list-task-definitions", "--family-prefix", "sockerless-", "--status", "ACTIVE")
	var tasks struct{ TaskArns []string }
	s.aws(&tasks, "ecs", "list-tasks", "--cluster", "sockerless", "--desired-status", "RUNNING")
	var aps struct {
		AccessPoints []struct{ AccessPointId string }
	}
	s.aws(&aps, "efs", "describe-access-points")
	if len(tds.TaskDefinitionArns)+len(tasks.TaskArns)+len(aps.AccessPoints) != 0 {
		t.Errorf("left behind in the simulator: task definitions %v, running tasks %v, access points %v",
			tds.TaskDefinitionArns, tasks.TaskArns, aps.AccessPoints)
	}
	if out := harness.MustDocker(t, dd.Host, "ps", "-aq"); out != "" {
		t.Errorf("containers left on the simulator's dockerd: %q", out)
	}
	if out := harness.MustDocker(t, dd.Host, "volume", "ls", "-q"); out != "" {
		t.Errorf("volumes left on the simulator's dockerd: %q", out)
	}
}

// startECSOnDocker starts a dockerd of the test's own and the ECS stack
// with the simulator's docker runtime on it and the agent delivered by an
// init container. The runner images are imported into both: the
// dockerd's are what the tasks run, the backend's what docker create
// resolves.
func startECSOnDocker(t *testing.T) (*stack, *harness.Daemon) {
	t.Helper()
	dd := harness.StartDockerd(t)
	importAgentImage(t, dd.Host, filepath.Join(binaries(t), "sockerless-agent"))
	runners.ImportImages(t, dd.Host)
	s := startStackWith(t, "ecs", stackOptions{DockerHost: dd.Host, AgentImage: agentImage})
	runners.ImportImages(t, s.Host)
	return s, dd
}

// importAgentImage imports an image holding only the static agent, with
// it as entrypoint, into the dockerd at host.
func importAgentImage(t *testing.T, host, agent string) {
	t.Helper()
	data, err := os.ReadFile(agent)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "sockerless-agent", Mode: 0o755, Size: int64(len(data))})
	tw.Write(data)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	r := harness.Docker(t, host, buf.Bytes(), "import", "--change", `ENTRYPOINT ["/sockerless-agent"]`, "-", agentImage)
	if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "sha256:") {
		t.Fatalf("docker import %s: exit %d: %s", agentImage, r.ExitCode, r.Stderr)
	}
}

// realContainers checks, on the simulator's docker runtime, what only
// real containers show: the task runs as the user asked for, and a pod's
// member reaches its root on localhost.
func realContainers(t *testing.T, s *stack) {
	t.Helper()
	if out := s.mustDocker("run", "--rm", "-u", "1000:1001", runners.RunnerImage, "sh", "-c", "id -u; id -g"); out != "1000\n1001\n" {
		t.Errorf("docker run -u 1000:1001: %q", out)
	}
	port := freePort(t)
	s.mustDocker("create", "--name", "pod-web", runners.RunnerImage, "sh", "-c",
		"mkdir -p /www && echo served-by-web > /www/index.html && exec httpd -f -p "+port+" -h /www")
	s.mustDocker("create", "--name", "pod-side", "--network", "container:pod-web", runners.RunnerImage, "sh", "-c",
		"until wget -qO- http://127.0.0.1:"+port+"/; do sleep 0.2; done; exec sleep 300")
	s.mustDocker("start", "pod-web")
	s.mustDocker("start", "pod-side")
	if n := len(s.tasks("RUNNING")); n != 1 {
		t.Errorf("running tasks of the pod: %d, want 1", n)
	}
	waitFor(t, "the member to reach its root on localhost", func() bool {
		return s.docker("logs", "pod-side").Stdout == "served-by-web\n"
	})
	s.mustDocker("rm", "-f", "pod-side", "pod-web")
}
