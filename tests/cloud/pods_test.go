package cloud

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// taskInfo is what the pod test reads of a task with the AWS CLI.
type taskInfo struct {
	TaskArn           string
	TaskDefinitionArn string
	LastStatus        string
	Containers        []struct {
		Name       string
		LastStatus string
		ExitCode   *int
	}
}

// tasks lists the cluster's tasks of a desired status and describes them.
func (s *stack) tasks(status string) []taskInfo {
	s.t.Helper()
	var list struct{ TaskArns []string }
	s.aws(&list, "ecs", "list-tasks", "--cluster", "sockerless", "--desired-status", status)
	if len(list.TaskArns) == 0 {
		return nil
	}
	var desc struct{ Tasks []taskInfo }
	s.aws(&desc, append([]string{"ecs", "describe-tasks", "--cluster", "sockerless", "--tasks"}, list.TaskArns...)...)
	return desc.Tasks
}

// containerStatus is the status of the task container called name, "" if
// the task has none.
func (ti taskInfo) containerStatus(name string) string {
	for _, c := range ti.Containers {
		if c.Name == name {
			return c.LastStatus
		}
	}
	return ""
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// A pod — here a container and one created with --network container: of
// it before it starts, as compose's network_mode: service:x and podman's
// pods make them — runs as one ECS task: the root as `main`, the member as
// a container of its own with its own agent. exec, logs, stop and rm work
// on each; the member survives a backend crash; the root's stop stops the
// task; rm leaves no task definition.
func TestECSPod(t *testing.T) {
	t.Parallel()
	s := startECS(t)
	s.importImage(image)
	web := strings.TrimSpace(s.mustDocker("create", "--name", "web", image, "sh", "-c", "echo web up; exec sleep 300"))
	side := strings.TrimSpace(s.mustDocker("create", "--name", "side", "--network", "container:web", image, "sh", "-c", "echo side up; exec sleep 300"))
	s.mustDocker("start", "web")
	s.mustDocker("start", "side")

	running := s.tasks("RUNNING")
	if len(running) != 1 {
		t.Fatalf("running tasks: %+v, want the pod's one", running)
	}
	pod := running[0]
	if pod.containerStatus("main") != "RUNNING" || pod.containerStatus("c-"+side) != "RUNNING" {
		t.Fatalf("pod task containers: %+v", pod.Containers)
	}
	if !strings.Contains(pod.TaskDefinitionArn, "sockerless-"+web+"-pod:") {
		t.Errorf("pod task definition %s", pod.TaskDefinitionArn)
	}
	if out := s.mustDocker("exec", "side", "sh", "-c", "echo $((2+3))"); out != "5\n" {
		t.Errorf("exec in the member: %q", out)
	}
	if out := s.mustDocker("exec", "web", "echo", "root"); out != "root\n" {
		t.Errorf("exec in the root: %q", out)
	}
	waitFor(t, "the member's logs", func() bool { return s.docker("logs", "side").Stdout == "side up\n" })
	if out := s.mustDocker("logs", "web"); out != "web up\n" {
		t.Errorf("root's logs: %q", out)
	}
	if ps := s.mustDocker("ps", "--format", "{{.Names}} {{.State}}"); !sameLines(ps, "side running", "web running") {
		t.Errorf("docker ps: %q", ps)
	}

	// A crashed backend finds the member again in its root's task.
	s.killBackend()
	s.startBackend()
	if ps := s.mustDocker("ps", "--format", "{{.Names}} {{.State}}"); !sameLines(ps, "side running", "web running") {
		t.Fatalf("docker ps after a backend crash: %q", ps)
	}
	if out := s.mustDocker("exec", "side", "echo", "still"); out != "still\n" {
		t.Errorf("exec in the member after the crash: %q", out)
	}

	// Stopping the member stops its container only.
	s.mustDocker("stop", "-t", "1", "side")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "side")); st != "exited 143" {
		t.Errorf("member after stop: %q", st)
	}
	waitFor(t, "the member's container to stop", func() bool {
		r := s.tasks("RUNNING")
		return len(r) == 1 && r[0].containerStatus("c-"+side) == "STOPPED" && r[0].containerStatus("main") == "RUNNING"
	})
	if out := s.mustDocker("exec", "web", "echo", "alive"); out != "alive\n" {
		t.Errorf("exec in the root after the member stopped: %q", out)
	}
	if r := s.docker("exec", "side", "true"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "is not running") {
		t.Errorf("exec in the stopped member: exit %d %s", r.ExitCode, r.Stderr)
	}

	// Started again, the member runs as a task of its own: the pod's task
	// cannot take a container back.
	s.mustDocker("start", "side")
	if n := len(s.tasks("RUNNING")); n != 2 {
		t.Errorf("running tasks after the member's restart: %d, want 2", n)
	}
	if out := s.mustDocker("exec", "side", "echo", "alone"); out != "alone\n" {
		t.Errorf("exec in the restarted member: %q", out)
	}
	s.mustDocker("stop", "-t", "1", "side")

	// Stopping the root stops the task.
	s.mustDocker("stop", "-t", "1", "web")
	if st := strings.TrimSpace(s.mustDocker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "web")); st != "exited 143" {
		t.Errorf("root after stop: %q", st)
	}
	if r := s.tasks("RUNNING"); len(r) != 0 {
		t.Errorf("tasks still running: %+v", r)
	}
	// The member's logs hold both of its runs.
	if out := s.mustDocker("logs", "side"); out != "side up\nside up\n" {
		t.Errorf("member's logs after two runs: %q", out)
	}

	// A member created but never started runs in its root's task all the
	// same; removing it ends its process there.
	s.mustDocker("start", "web")
	s.mustDocker("rm", "side")
	idle := strings.TrimSpace(s.mustDocker("create", "--name", "idle", "--network", "container:web", image, "sleep", "300"))
	s.mustDocker("restart", "-t", "1", "web")
	waitFor(t, "the idle member in the root's task", func() bool {
		r := s.tasks("RUNNING")
		return len(r) == 1 && r[0].containerStatus("c-"+idle) == "RUNNING"
	})
	s.mustDocker("rm", "idle")
	waitFor(t, "the removed member's container to stop", func() bool {
		r := s.tasks("RUNNING")
		return len(r) == 1 && r[0].containerStatus("c-"+idle) == "STOPPED"
	})

	// A one-shot member that ended before its own start is followed to
	// its end, not run a second time.
	once := strings.TrimSpace(s.mustDocker("create", "--name", "once", "--network", "container:web", image, "sh", "-c", "echo once; exit 4"))
	late := strings.TrimSpace(s.mustDocker("create", "--name", "late", "--network", "container:web", image, "sh", "-c", "echo late; exec sleep 300"))
	s.mustDocker("restart", "-t", "1", "web")
	waitFor(t, "the one-shot member to end in the root's task", func() bool {
		r := s.tasks("RUNNING")
		return len(r) == 1 && r[0].containerStatus("c-"+once) == "STOPPED"
	})
	if r := s.docker("start", "-a", "once"); r.ExitCode != 4 || r.Stdout != "once\n" {
		t.Errorf("docker start -a of the ended member: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	// A member never started survives a backend crash in its root's
	// task, and its start after the crash follows it there.
	s.killBackend()
	s.startBackend()
	s.mustDocker("start", "late")
	if r := s.tasks("RUNNING"); len(r) != 1 || r[0].containerStatus("c-"+late) != "RUNNING" {
		t.Errorf("tasks after starting the member placed before the crash: %+v", r)
	}
	if out := s.mustDocker("exec", "late", "echo", "found"); out != "found\n" {
		t.Errorf("exec in the member placed before the crash: %q", out)
	}
	if out := s.mustDocker("logs", "once"); out != "once\n" {
		t.Errorf("the one-shot member ran again: logs %q", out)
	}
	s.mustDocker("rm", "-f", "web", "once", "late")
	for _, id := range []string{web, side, idle, once, late} {
		var tds struct{ TaskDefinitionArns []string }
		s.aws(&tds, "ecs", "list-task-definitions", "--family-prefix", "sockerless-"+id)
		if len(tds.TaskDefinitionArns) != 0 {
			t.Errorf("task definitions left after rm: %v", tds.TaskDefinitionArns)
		}
	}
}

// sameLines tells whether out holds exactly these lines, in any order.
func sameLines(out string, want ...string) bool {
	got := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}
