package cloud

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

const image = "sockerless-test/tiny:1"

// Acceptance 1: one-shot containers print their output and report their
// exit code.
func TestECSRun(t *testing.T) {
	t.Parallel()
	s := startECS(t)
	s.importImage(image)
	tests := []struct {
		name             string
		cmd              string
		wantOut, wantErr string
		wantCode         int
	}{
		{"arithmetic", "echo $((6*7))", "42\n", "", 0},
		{"exit code", "exit 3", "", "", 3},
		// Attached output comes through the agent, stdout and stderr apart.
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
	// Fargate sizes go beyond the host's CPUs.
	if r := s.docker("run", "--rm", "--cpus", "4", image, "true"); r.ExitCode != 0 {
		t.Errorf("docker run --cpus 4: exit %d: %s", r.ExitCode, r.Stderr)
	}
	// docker run -i: stdin reaches the main process through the agent.
	r := harness.Docker(t, s.Host, []byte("from stdin\n"), "run", "--rm", "-i", image, "cat")
	if r.Stdout != "from stdin\n" || r.ExitCode != 0 {
		t.Errorf("docker run -i cat: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	// --rm left nothing behind: no container, no active task definition.
	if out := s.mustDocker("ps", "-aq"); out != "" {
		t.Errorf("containers left after --rm: %q", out)
	}
	var tds struct{ TaskDefinitionArns []string }
	s.aws(&tds, "ecs", "list-task-definitions", "--family-prefix", "sockerless-")
	if len(tds.TaskDefinitionArns) != 0 {
		t.Errorf("task definitions left after --rm: %v", tds.TaskDefinitionArns)
	}
}

// Acceptance 2: a long-running container with exec, cp, logs -f, stop and
// rm, checked in the simulator.
func TestECSLifecycle(t *testing.T) {
	t.Parallel()
	s := startECS(t)
	s.importImage(image)
	id := strings.TrimSpace(s.mustDocker("run", "-d", "--name", "w1", image, "sh", "-c", "echo started; exec sleep 300"))

	// The simulator runs tasks as host processes, so the file lands on
	// the host: a unique name keeps parallel runs apart.
	f := "/tmp/sockerless-cloud-" + randomHex(6)
	t.Cleanup(func() { os.Remove(f) })
	s.mustDocker("exec", "w1", "sh", "-c", "echo hi > "+f)
	dst := t.TempDir()
	s.mustDocker("cp", "w1:"+f, dst)
	if b, err := os.ReadFile(filepath.Join(dst, filepath.Base(f))); err != nil || string(b) != "hi\n" {
		t.Fatalf("docker cp out: %q %v", b, err)
	}
	// docker cp into the container, read back with exec.
	in := filepath.Join(dst, "in-"+randomHex(4))
	if err := os.WriteFile(in, []byte("copied in\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.mustDocker("cp", in, "w1:/tmp/")
	t.Cleanup(func() { os.Remove("/tmp/" + filepath.Base(in)) })
	if out := s.mustDocker("exec", "w1", "cat", "/tmp/"+filepath.Base(in)); out != "copied in\n" {
		t.Errorf("file copied in reads %q", out)
	}
	if out := s.mustDocker("exec", "w1", "sh", "-c", "echo $((6*7)); exit 0"); out != "42\n" {
		t.Errorf("exec output %q", out)
	}
	if r := s.docker("exec", "w1", "sh", "-c", "exit 5"); r.ExitCode != 5 {
		t.Errorf("exec exit code %d, want 5", r.ExitCode)
	}

	logs := exec.Command("docker", "logs", "-f", "w1")
	logs.Env = append(os.Environ(), "DOCKER_HOST="+s.Host)
	var out strings.Builder
	logs.Stdout = &out
	if err := logs.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- logs.Wait() }()
	time.Sleep(500 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("docker logs -f ended while the container runs: %v", err)
	default:
	}

	s.mustDocker("stop", "w1")
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		logs.Process.Kill()
		t.Fatal("docker logs -f did not end when the container stopped")
	}
	if out.String() != "started\n" {
		t.Errorf("docker logs -f: %q", out.String())
	}

	var tasks struct{ TaskArns []string }
	s.aws(&tasks, "ecs", "list-tasks", "--cluster", "sockerless", "--family", "sockerless-"+id, "--desired-status", "STOPPED")
	if len(tasks.TaskArns) != 1 {
		t.Fatalf("stopped tasks of the container: %v", tasks.TaskArns)
	}
	var desc struct {
		Tasks []struct {
			LastStatus string
			Tags       []struct{ Key, Value string }
		}
	}
	s.aws(&desc, "ecs", "describe-tasks", "--cluster", "sockerless", "--tasks", tasks.TaskArns[0], "--include", "TAGS")
	if len(desc.Tasks) != 1 || desc.Tasks[0].LastStatus != "STOPPED" {
		t.Fatalf("task after docker stop: %+v", desc.Tasks)
	}
	tags := map[string]string{}
	for _, tg := range desc.Tasks[0].Tags {
		tags[tg.Key] = tg.Value
	}
	if tags["sockerless:container-id"] != id || tags["sockerless:container-name"] != "w1" {
		t.Errorf("task tags %v", tags)
	}

	// docker kill: SIGKILL reaches the main process through the agent.
	s.mustDocker("run", "-d", "--name", "k1", image, "sleep", "300")
	s.mustDocker("kill", "k1")
	s.mustDocker("wait", "k1")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "k1")); st != "exited 137" {
		t.Errorf("after kill: %q", st)
	}
	s.mustDocker("rm", "k1")

	s.mustDocker("rm", "w1")
	var tds struct{ TaskDefinitionArns []string }
	s.aws(&tds, "ecs", "list-task-definitions", "--family-prefix", "sockerless-"+id)
	if len(tds.TaskDefinitionArns) != 0 {
		t.Errorf("task definitions left after rm: %v", tds.TaskDefinitionArns)
	}
	var running struct{ TaskArns []string }
	s.aws(&running, "ecs", "list-tasks", "--cluster", "sockerless")
	if len(running.TaskArns) != 0 {
		t.Errorf("tasks still running: %v", running.TaskArns)
	}
}

// Acceptance 4: the backend crashes (SIGKILL) or is restarted (SIGTERM)
// while a container runs; docker ps still lists it and exec still works.
func TestECSBackendRestart(t *testing.T) {
	t.Parallel()
	s := startECS(t)
	s.importImage(image)
	s.mustDocker("run", "-d", "--name", "survivor", image, "sleep", "300")
	if out := s.mustDocker("exec", "survivor", "echo", "before"); out != "before\n" {
		t.Fatalf("exec before restart: %q", out)
	}
	s.killBackend()
	s.startBackend()
	ps := s.mustDocker("ps", "--format", "{{.Names}} {{.State}}")
	if strings.TrimSpace(ps) != "survivor running" {
		t.Fatalf("docker ps after the restart: %q", ps)
	}
	if out := s.mustDocker("exec", "survivor", "echo", "after"); out != "after\n" {
		t.Fatalf("exec after restart: %q", out)
	}
	// A graceful restart (SIGTERM) leaves the task running too, as
	// dockerd's live-restore.
	s.stopBackend()
	s.startBackend()
	if ps := s.mustDocker("ps", "--format", "{{.Names}} {{.State}}"); strings.TrimSpace(ps) != "survivor running" {
		t.Fatalf("docker ps after a graceful restart: %q", ps)
	}
	if out := s.mustDocker("exec", "survivor", "echo", "again"); out != "again\n" {
		t.Fatalf("exec after a graceful restart: %q", out)
	}
	// A container that ends while the backend is down reports its task's
	// exit code, not the 255 of a process that died with the daemon.
	s.mustDocker("run", "-d", "--name", "brief", image, "sh", "-c", "sleep 1; exit 9")
	s.killBackend()
	time.Sleep(2 * time.Second)
	s.startBackend()
	s.mustDocker("wait", "brief")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "brief")); st != "exited 9" {
		t.Errorf("container that ended during the restart: %q", st)
	}
	s.mustDocker("rm", "brief")

	// The container still stops and reports its task's exit.
	s.mustDocker("stop", "-t", "1", "survivor")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "survivor")); st != "exited 143" {
		t.Errorf("after stop: %q", st)
	}
	s.mustDocker("rm", "survivor")
}
