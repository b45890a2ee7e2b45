package daemon

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
)

func newFake(context.Context, Config) (driver.Driver, io.Closer, error) {
	_, d := fakedriver.New()
	return d, nil, nil
}

func TestRunRefusesWithoutToken(t *testing.T) {
	var stderr strings.Builder
	err := Run(t.Context(), []string{"--data-dir", t.TempDir()}, func(string) string { return "" }, &stderr, newFake)
	if err == nil || !strings.Contains(err.Error(), backendapi.TokenEnv) {
		t.Fatalf("err = %v", err)
	}
	err = Run(t.Context(), []string{"--listen", "ftp://x", "--data-dir", t.TempDir()},
		func(k string) string { return map[string]string{backendapi.TokenEnv: "t"}[k] }, &stderr, newFake)
	if err == nil || !strings.Contains(err.Error(), "unix:///path or tcp://host:port") {
		t.Fatalf("err = %v", err)
	}
}

// TestRunServesAndKeepsState starts the daemon on a unix socket, creates a
// container, stops the daemon, and finds the container after a restart.
func TestRunServesAndKeepsState(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "backend.sock")
	getenv := func(k string) string { return map[string]string{backendapi.TokenEnv: "tok"}[k] }
	start := func() (context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, []string{"--data-dir", dir, "--log-level", "error", "--registry-mirror", "https://mirror.example",
				"--insecure-registry", "reg.local:5000", "--insecure-registry", "10.0.0.0/8"}, getenv, io.Discard, newFake)
		}()
		return cancel, done
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		for i := 0; ; i++ {
			c, err := d.DialContext(ctx, "unix", sock)
			if err == nil || i > 100 {
				return c, err
			}
			time.Sleep(20 * time.Millisecond)
		}
	}}}
	cli, err := client.New(client.WithHost("unix://"+sock), client.WithHTTPClient(hc), client.WithAPIVersion(httpx.MaxAPIVersion),
		client.WithHTTPHeaders(map[string]string{backendapi.TokenHeader: "tok"}))
	if err != nil {
		t.Fatal(err)
	}
	cancel, done := start()
	_, err = cli.ContainerCreate(t.Context(), client.ContainerCreateOptions{Name: "keep", Config: &container.Config{Image: "sha256:x"}})
	// The daemon's image store is real and empty: the answer is Docker's 404.
	if err == nil || !strings.Contains(err.Error(), "No such image") {
		t.Fatalf("create: %v", err)
	}
	info, err := cli.Info(t.Context(), client.InfoOptions{})
	if err != nil || info.Info.DockerRootDir != dir {
		t.Fatalf("info %+v %v", info.Info.DockerRootDir, err)
	}
	rc := info.Info.RegistryConfig
	if rc == nil || !slices.Equal(rc.Mirrors, []string{"https://mirror.example/"}) || rc.IndexConfigs["reg.local:5000"] == nil ||
		rc.IndexConfigs["reg.local:5000"].Secure || len(rc.InsecureRegistryCIDRs) != 3 {
		t.Errorf("RegistryConfig = %+v", rc)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cancel, done = start()
	defer func() { cancel(); <-done }()
	nets, err := cli.NetworkList(t.Context(), client.NetworkListOptions{})
	if err != nil || len(nets.Items) != 3 {
		t.Fatalf("networks after restart: %v %v", nets, err)
	}
}

func TestRunRefusesBadRegistryFlags(t *testing.T) {
	getenv := func(k string) string { return map[string]string{backendapi.TokenEnv: "tok"}[k] }
	for _, args := range [][]string{
		{"--registry-mirror", "ftp://mirror.example"},
		{"--registry-mirror", "https://mirror.example/path"},
		{"--insecure-registry", "http://reg.local:5000"},
	} {
		args = append(args, "--data-dir", t.TempDir())
		err := Run(t.Context(), args, getenv, io.Discard, newFake)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("Run %q = %v, want an error naming the flag", args, err)
		}
	}
}

// TestShutdownEndsLongRequests: a running container's wait and an event
// stream do not hold up a shutdown.
func TestShutdownEndsLongRequests(t *testing.T) {
	dir := t.TempDir()
	ln := filepath.Join(dir, "b.sock")
	getenv := func(k string) string { return map[string]string{backendapi.TokenEnv: "tok"}[k] }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"--data-dir", dir, "--listen", "unix://" + ln, "--log-level", "error"}, getenv, io.Discard, newFake)
	}()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		for i := 0; ; i++ {
			c, err := d.DialContext(ctx, "unix", ln)
			if err == nil || i > 100 {
				return c, err
			}
			time.Sleep(20 * time.Millisecond)
		}
	}}}
	req, _ := http.NewRequest("GET", "http://backend/events", nil)
	req.Header.Set(backendapi.TokenHeader, "tok")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("shutdown waited for the event stream")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("shutdown took %v", time.Since(start))
	}
}
