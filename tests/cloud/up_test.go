package cloud

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// `sockerless up --backend ecs|lambda` starts the cloud backend behind the
// frontend, configured from the environment.
func TestUpCloudBackends(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"ecs", "lambda"} {
		t.Run(backend, func(t *testing.T) {
			s := startStack(t, backend) // for the simulator; its own backend is not used
			dir := filepath.Join(s.dir, "up")
			sock := filepath.Join(dir, "docker.sock")
			cmd := exec.Command(filepath.Join(s.bin, "sockerless"), "up", "--backend", backend,
				"--data-dir", dir, "--listen", "unix://"+sock)
			cmd.Env = append(os.Environ(), "PATH="+s.bin+":"+os.Getenv("PATH"), "SOCKERLESS_ENDPOINT_URL="+s.Endpoint,
				"SOCKERLESS_ECS_CLUSTER=up-"+backend)
			cmd.Stdout, cmd.Stderr = s.log, s.log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				cmd.Process.Signal(os.Interrupt)
				cmd.Wait()
			})
			waitSocket(t, sock, s.log)
			host := "unix://" + sock
			up := &stack{t: t, Host: host, log: s.log}
			up.importImage(image)
			if r := up.docker("run", "--rm", image, "sh", "-c", "echo $((6*7))"); r.Stdout != "42\n" || r.ExitCode != 0 {
				t.Fatalf("docker run through sockerless up: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
			}
			if out := up.mustDocker("info", "--format", "{{.Driver}}"); out != "sockerless-"+backend+"\n" {
				t.Errorf("docker info driver %q", out)
			}
		})
	}
}
