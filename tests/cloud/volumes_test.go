package cloud

import (
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/runners"
)

// Volumes on ECS are EFS access points: data outlives the task that wrote
// it and is seen by the next; removing the volume deletes its access
// point, and a volume made again under the name starts empty. Binds,
// tmpfs and --hostname are refused with 501s naming the backend.
func TestECSVolumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ECS tasks as containers on a real dockerd")
	}
	s, _ := startECSOnDocker(t)
	img := runners.RunnerImage
	s.mustDocker("volume", "create", "data")
	s.mustDocker("run", "--rm", "-v", "data:/data", img, "sh", "-c", "echo kept > /data/f")
	if out := s.mustDocker("run", "--rm", "-v", "data:/data:ro", img, "cat", "/data/f"); out != "kept\n" {
		t.Errorf("second task read %q from the volume, want kept", out)
	}
	if r := s.docker("run", "--rm", "-v", "data:/data:ro", img, "touch", "/data/g"); r.ExitCode == 0 {
		t.Errorf("a read-only volume took a write")
	}
	// docker cp into a running container's volume, read by another task.
	s.mustDocker("run", "-d", "--name", "holder", "-v", "data:/data", img, "sh", "-c", "echo holder-ready; exec sleep 300")
	s.mustDocker("exec", "holder", "sh", "-c", "echo via-exec > /data/e")
	if out := s.mustDocker("run", "--rm", "-v", "data:/data", img, "cat", "/data/e"); out != "via-exec\n" {
		t.Errorf("another task read %q, want via-exec", out)
	}
	// docker logs is the workload's output only, not the agent's init
	// container's.
	var logs string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if logs = s.mustDocker("logs", "holder"); logs != "" {
			break
		}
	}
	if logs != "holder-ready\n" {
		t.Errorf("docker logs holder: %q, want holder-ready", logs)
	}
	if r := s.docker("volume", "rm", "data"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "volume is in use") {
		t.Errorf("volume rm of a volume in use: exit %d %q", r.ExitCode, r.Stderr)
	}
	s.mustDocker("rm", "-f", "holder")

	var aps struct {
		AccessPoints []struct{ AccessPointId string }
	}
	s.aws(&aps, "efs", "describe-access-points")
	if len(aps.AccessPoints) != 1 {
		t.Fatalf("access points with one volume: %v", aps.AccessPoints)
	}
	s.mustDocker("volume", "rm", "data")
	s.aws(&aps, "efs", "describe-access-points")
	if len(aps.AccessPoints) != 0 {
		t.Errorf("access points after volume rm: %v", aps.AccessPoints)
	}
	s.mustDocker("volume", "create", "data")
	if r := s.docker("run", "--rm", "-v", "data:/data", img, "ls", "-A", "/data"); r.ExitCode != 0 || r.Stdout != "" {
		t.Errorf("a volume made again under the name: exit %d, holds %q (want empty)", r.ExitCode, r.Stdout)
	}
	s.mustDocker("volume", "rm", "data")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-v", "/etc:/host-etc"}, "bind mounts are not supported by the ecs backend"},
		{[]string{"--tmpfs", "/run"}, "tmpfs mounts are not supported by the ecs backend"},
		{[]string{"--hostname", "box"}, "--hostname is not supported by the ecs backend"},
	} {
		r := s.docker(append(append([]string{"run", "--rm"}, tc.args...), img, "true")...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("docker run %v: exit %d %q, want 125 and %q", tc.args, r.ExitCode, r.Stderr, tc.want)
		}
	}
	// An image only the backend has: the task cannot pull it, and the
	// start fails with ECS's reason, as dockerd's "failed to create task".
	s.importImage("sockerless-test/only-here:1")
	r := s.docker("run", "--rm", "sockerless-test/only-here:1", "true")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "failed to create task for container: ecs backend: the task did not start: CannotPullContainerError") {
		t.Errorf("docker run of an image the tasks cannot pull: exit %d %q", r.ExitCode, r.Stderr)
	}
	if out := s.mustDocker("ps", "-aq"); out != "" {
		t.Errorf("containers left: %q", out)
	}
}
