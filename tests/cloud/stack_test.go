// Package cloud runs the real docker CLI and the moby client against
// Sockerless's cloud backends, with the cloud simulators running the
// workloads for real (issue 6): sockerless-sim-aws, sockerless-backend-ecs
// and the frontend, started as separate processes so that a test can crash
// and restart the backend.
package cloud

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

var (
	simOnce sync.Once
	simErr  error
)

// binaries builds the Sockerless binaries (make build) and the AWS
// simulator into one directory.
func binaries(t testing.TB) string {
	t.Helper()
	bin := harness.Binaries(t)
	simOnce.Do(func() {
		cmd := exec.Command("go", "build", "-o", bin+"/", "./simulators/aws/cmd/sockerless-sim-aws")
		cmd.Dir = harness.Root(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			simErr = fmt.Errorf("build the AWS simulator: %v\n%s", err, out)
		}
	})
	if simErr != nil {
		t.Fatal(simErr)
	}
	return bin
}

// stack is the simulator, a cloud backend and the frontend.
type stack struct {
	t        testing.TB
	kind     string // "ecs" or "lambda"
	bin, dir string
	Host     string // DOCKER_HOST
	Endpoint string // the simulator's URL
	token    string
	opts     stackOptions
	log      *syncBuffer
	sim      *exec.Cmd
	backend  *exec.Cmd
	frontend *exec.Cmd
}

// startECS starts the stack with the ECS backend.
func startECS(t testing.TB) *stack {
	t.Helper()
	return startStack(t, "ecs")
}

// startLambda starts the stack with the Lambda backend.
func startLambda(t testing.TB) *stack {
	t.Helper()
	return startStack(t, "lambda")
}

// stackOptions change how the stack runs workloads.
type stackOptions struct {
	// DockerHost, when set, runs the simulator with --runtime docker on
	// that dockerd: workloads are real containers from their images.
	DockerHost string
	// AgentImage, when set, is the ECS backend's --agent-image: an init
	// container delivers the agent into each task.
	AgentImage string
}

// startStack starts the simulator, sockerless-backend-<backend> and the
// frontend in a fresh directory. Everything is stopped when t ends.
func startStack(t testing.TB, backend string) *stack {
	t.Helper()
	return startStackWith(t, backend, stackOptions{})
}

// startStackWith is startStack with opts.
func startStackWith(t testing.TB, backend string, opts stackOptions) *stack {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the AWS simulator and a cloud backend")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatal("the docker CLI is required")
	}
	bin := binaries(t)
	dir, err := os.MkdirTemp("", "slc-") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &stack{t: t, kind: backend, bin: bin, dir: dir, Host: "unix://" + filepath.Join(dir, "docker.sock"),
		token: randomHex(16), log: &syncBuffer{}, opts: opts}
	t.Cleanup(s.stop)
	port := freePort(t)
	s.Endpoint = "http://127.0.0.1:" + port
	simArgs := []string{"--listen", "127.0.0.1:" + port, "--log-level", "warn"}
	if opts.DockerHost != "" {
		simArgs = append(simArgs, "--runtime", "docker", "--docker-host", opts.DockerHost)
	}
	s.sim = s.start("sockerless-sim-aws", simArgs...)
	waitHTTP(t, s.Endpoint, s.log)
	s.startBackend()
	s.frontend = s.start("sockerless-frontend-docker", "--listen", s.Host, "--log-level", "warn",
		"--backend", "unix://"+filepath.Join(dir, "backend.sock"))
	waitSocket(t, filepath.Join(dir, "docker.sock"), s.log)
	return s
}

func (s *stack) start(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	// The simulator finds sockerless-agent on its PATH (the host runtime
	// makes the agent available, see backends/ecs).
	cmd.Env = append(os.Environ(), "PATH="+s.bin+":"+os.Getenv("PATH"), "SOCKERLESS_TOKEN="+s.token,
		"SOCKERLESS_ENDPOINT_URL="+s.Endpoint, "SOCKERLESS_ECS_POLL=50ms",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// startBackend starts the backend on the stack's data directory.
func (s *stack) startBackend() {
	sock := filepath.Join(s.dir, "backend.sock")
	os.Remove(sock)
	args := []string{"--listen", "unix://" + sock, "--log-level", "warn", "--data-dir", filepath.Join(s.dir, s.kind)}
	if s.opts.AgentImage != "" {
		args = append(args, "--agent-image", s.opts.AgentImage)
	}
	s.backend = s.start("sockerless-backend-"+s.kind, args...)
	waitSocket(s.t, sock, s.log)
}

// stopBackend ends the backend with SIGTERM, as a restart would.
func (s *stack) stopBackend() {
	s.backend.Process.Signal(os.Interrupt)
	s.backend.Wait()
}

// killBackend ends the backend with SIGKILL, as a crash would.
func (s *stack) killBackend() {
	s.backend.Process.Kill()
	s.backend.Wait()
}

func (s *stack) stop() {
	for _, c := range []*exec.Cmd{s.frontend, s.backend, s.sim} {
		if c != nil && c.Process != nil && c.ProcessState == nil {
			c.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				c.Process.Kill()
				<-done
			}
		}
	}
	if s.t.Failed() {
		s.t.Logf("daemon logs:\n%s", s.log.String())
	}
}

// docker runs the docker CLI against the stack.
func (s *stack) docker(args ...string) harness.Result {
	s.t.Helper()
	return harness.Docker(s.t, s.Host, nil, args...)
}

// mustDocker is docker that fails the test on a non-zero exit.
func (s *stack) mustDocker(args ...string) string {
	s.t.Helper()
	return harness.MustDocker(s.t, s.Host, args...)
}

// importImage imports a tiny image as ref: the simulator runs commands on
// the host, so the image's files are never read, but the core resolves
// the reference and records the image's configuration.
func (s *stack) importImage(ref string) {
	s.t.Helper()
	r := harness.Docker(s.t, s.Host, tinyRootfs(s.t), "import", "--change", `CMD ["sh"]`, "-", ref)
	if r.ExitCode != 0 {
		s.t.Fatalf("docker import: %s", r.Stderr)
	}
}

// aws runs the AWS CLI against the simulator and decodes its JSON answer.
func (s *stack) aws(out any, args ...string) {
	s.t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", s.Endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_PAGER=")
	b, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		s.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if err := json.Unmarshal(b, out); err != nil {
		s.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// tinyRootfs is a root file system of one file.
func tinyRootfs(t testing.TB) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	data := []byte("sockerless\n")
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "etc/", Mode: 0o755})
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "etc/hostname", Mode: 0o644, Size: int64(len(data))})
	tw.Write(data)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func freePort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func waitHTTP(t testing.TB, url string, log *syncBuffer) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
			return
		}
	}
	t.Fatalf("%s never answered\n%s", url, log.String())
}

func waitSocket(t testing.TB, sock string, log *syncBuffer) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("%s never appeared\n%s", sock, log.String())
}

// syncBuffer collects the daemons' output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
