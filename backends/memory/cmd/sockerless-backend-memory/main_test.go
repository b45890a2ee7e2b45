package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunNeedsToken(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"--data-dir", t.TempDir()}, func(string) string { return "" }, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SOCKERLESS_TOKEN") {
		t.Fatalf("run without a token = %v", err)
	}
}

// TestRunServes starts the daemon on a unix socket and asks for its info.
func TestRunServes(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "b.sock")
	// The compiled toolbox cache the sandbox tests share.
	env := map[string]string{"SOCKERLESS_TOKEN": "secret", "SOCKERLESS_SANDBOX_CACHE": filepath.Join(os.TempDir(), "sockerless-sandbox-test-cache")}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"--data-dir", dir, "--listen", "unix://" + sock}, func(k string) string { return env[k] }, io.Discard)
	}()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (conn net.Conn, err error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	var resp *http.Response
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err != nil {
			continue
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://backend/internal/v1/info", nil)
		req.Header.Set("X-Sockerless-Token", "secret")
		var err error
		if resp, err = client.Do(req); err == nil {
			break
		}
	}
	if resp == nil {
		t.Fatal("the daemon did not answer")
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "memory") {
		t.Errorf("info: %d %s", resp.StatusCode, body)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("run: %v", err)
	}
}
