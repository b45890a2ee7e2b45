package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunBadRuntime(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown runtime", []string{"--runtime", "podman"}, `--runtime: want process or docker, got "podman"`},
		{"no dockerd", []string{"--runtime", "docker", "--docker-host", "unix:///nonexistent/docker.sock"}, "does not answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			args := append([]string{"--listen", "127.0.0.1:0"}, tc.args...)
			err := run(t.Context(), args, func(string) string { return "" }, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
