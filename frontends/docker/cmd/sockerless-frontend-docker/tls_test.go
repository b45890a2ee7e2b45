package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/frontends/docker/internal/backendtest"
)

// tlsFrontend starts the frontend with --tlsverify on TCP and returns its
// address and the directories of a trusted and of a foreign client.
func tlsFrontend(t *testing.T) (addr, good, rogue string) {
	t.Helper()
	fb := backendtest.New(t)
	dir := t.TempDir()
	ca := newCA(t, "sockerless test CA")
	ca.issue(t, filepath.Join(dir, "server"), true)
	good, rogue = filepath.Join(dir, "client"), filepath.Join(dir, "rogue")
	ca.issue(t, good, false)
	other := newCA(t, "someone else")
	other.issue(t, rogue, false)
	// The rogue client trusts our server, so only its certificate is wrong.
	if err := os.WriteFile(filepath.Join(rogue, "ca.pem"), ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	addr = freePort(t)
	// The certificates come from DOCKER_CERT_PATH, as with dockerd.
	startFrontend(t, env(map[string]string{"SOCKERLESS_TOKEN": backendtest.Token, "DOCKER_CERT_PATH": filepath.Join(dir, "server")}),
		"tcp", addr, "--backend", fb.Addr, "--listen", "tcp://"+addr, "--tlsverify")
	return addr, good, rogue
}

func TestTLSVerify(t *testing.T) {
	addr, good, rogue := tlsFrontend(t)
	tests := []struct {
		name    string
		certDir string
		wantErr string
	}{
		{"trusted client certificate", good, ""},
		{"certificate of another CA", rogue, "certificate"},
		{"no client certificate", "", "certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := []client.Opt{client.WithHost("tcp://" + addr)}
			if tc.certDir != "" {
				opts = append(opts, client.WithTLSClientConfig(filepath.Join(tc.certDir, "ca.pem"),
					filepath.Join(tc.certDir, "cert.pem"), filepath.Join(tc.certDir, "key.pem")))
			} else {
				opts = append(opts, client.WithTLSClientConfig(filepath.Join(good, "ca.pem"), "", ""))
			}
			cli, err := client.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			_, err = cli.Ping(t.Context(), client.PingOptions{})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ping: %v", err)
				}
				attachHalfClose(t, cli)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ping: %v, want an error about %q", err, tc.wantErr)
			}
		})
	}
}

// dockerCLI runs the real docker CLI with a clean configuration.
func dockerCLI(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the docker CLI")
	}
	bin, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no docker CLI")
	}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append([]string{"DOCKER_CONFIG=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestDockerCLITLS(t *testing.T) {
	addr, good, rogue := tlsFrontend(t)
	out, err := dockerCLI(t, []string{"DOCKER_HOST=tcp://" + addr, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + good},
		"version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}")
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), " 1.51") {
		t.Fatalf("docker version over TLS: %v\n%s", err, out)
	}
	out, err = dockerCLI(t, []string{"DOCKER_HOST=tcp://" + addr, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + rogue}, "version")
	if err == nil {
		t.Fatalf("docker version with a foreign certificate succeeded:\n%s", out)
	}
}

func TestDockerCLIVersion(t *testing.T) {
	fb := backendtest.New(t)
	sock := filepath.Join(shortTempDir(t), "docker.sock")
	startFrontend(t, env(map[string]string{"SOCKERLESS_TOKEN": backendtest.Token}), "unix", sock,
		"--backend", fb.Addr, "--listen", "unix://"+sock)
	out, err := dockerCLI(t, []string{"DOCKER_HOST=unix://" + sock}, "version", "--format", "{{json .Server}}")
	if err != nil {
		t.Fatalf("docker version: %v\n%s", err, out)
	}
	var v struct {
		Platform   struct{ Name string }
		APIVersion string `json:"ApiVersion"`
		Components []struct {
			Name    string
			Version string
			Details map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if v.Platform.Name != "Sockerless" || v.APIVersion != "1.51" || len(v.Components) != 2 ||
		v.Components[1].Name != "sockerless-backend-fake" || v.Components[0].Details["KernelVersion"] != "6.1.0-fake" ||
		v.Components[1].Details["GitCommit"] != "fa4e" {
		t.Fatalf("docker version server = %+v", v)
	}
	// The plain output too: what a user sees.
	out, err = dockerCLI(t, []string{"DOCKER_HOST=unix://" + sock}, "version")
	if err != nil || !strings.Contains(out, "Server: Sockerless") || !strings.Contains(out, "sockerless-backend-fake:") {
		t.Fatalf("docker version: %v\n%s", err, out)
	}
	t.Logf("docker version:\n%s", out)
}

// attachHalfClose checks that a half-close travels through TLS: the fake
// backend answers "bye" only once stdin ended.
func attachHalfClose(t *testing.T, cli *client.Client) {
	t.Helper()
	res, err := cli.ContainerAttach(t.Context(), "c1", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_ = res.Conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(res.Conn, "over tls\n"); err != nil {
		t.Fatal(err)
	}
	if err := res.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(res.Reader)
	if err != nil || string(out) != "over tls\nbye\n" {
		t.Fatalf("attach over TLS: %q, %v", out, err)
	}
}
