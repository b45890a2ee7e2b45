package client_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sockerless/sockerless/agent/client"
)

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// BenchmarkExecTrue is the agent's share of `docker exec w true`.
func BenchmarkExecTrue(b *testing.B) {
	c := dial(b, must2(newAgent(b)))
	for b.Loop() {
		if code, err := c.Exec(b.Context(), client.ExecSpec{Args: []string{"true"}}, client.Streams{}, nil); err != nil || code != 0 {
			b.Fatal(code, err)
		}
	}
}

// BenchmarkExecCat is the agent's share of `docker exec w cat bigfile`.
func BenchmarkExecCat(b *testing.B) {
	c := dial(b, must2(newAgent(b)))
	const size = 256 << 20
	f := filepath.Join(b.TempDir(), "big")
	if err := os.WriteFile(f, make([]byte, size), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	for b.Loop() {
		var n counter
		start := time.Now()
		if code, err := c.Exec(b.Context(), client.ExecSpec{Args: []string{"cat", f}}, client.Streams{Stdout: &n}, nil); err != nil || code != 0 || n != size {
			b.Fatal(code, err, n)
		}
		_ = start
	}
}
