package cloud

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// execOnce is `docker exec` as the CLI does it: create, attach (which
// starts the process), read to the end, inspect for the exit code.
func execOnce(ctx context.Context, cli *client.Client, ctr string, cmd []string, out io.Writer) (int, error) {
	ex, err := cli.ExecCreate(ctx, ctr, client.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		return 0, err
	}
	at, err := cli.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{})
	if err != nil {
		return 0, err
	}
	_, err = stdcopy.StdCopy(out, io.Discard, at.Reader)
	at.Close()
	if err != nil {
		return 0, err
	}
	in, err := cli.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	return in.ExitCode, err
}

func median(d []time.Duration) (p50, p95 time.Duration) {
	slices.Sort(d)
	return d[len(d)/2], d[len(d)*95/100]
}

// BenchmarkECSExec measures the exec round trip through the frontend, the
// ECS backend and the agent (`docker exec w true`, the moby client and the
// CLI) and the throughput of `docker exec w cat bigfile`.
func BenchmarkECSExec(b *testing.B) {
	s := startECS(b)
	s.importImage(image)
	s.mustDocker("run", "-d", "--name", "bench", image, "sleep", "600")
	cli, err := client.New(client.WithHost(s.Host))
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	direct, err := client.New(client.WithHost("unix://"+filepath.Join(s.dir, "backend.sock")),
		client.WithHTTPHeaders(map[string]string{"X-Sockerless-Token": s.token}), client.WithVersion("1.51"))
	if err != nil {
		b.Fatal(err)
	}
	defer direct.Close()
	ctx := b.Context()
	if _, err := execOnce(ctx, cli, "bench", []string{"true"}, io.Discard); err != nil { // dials the agent
		b.Fatal(err)
	}
	big := "/tmp/sockerless-bench-" + randomHex(6)
	defer os.Remove(big)
	const size = 512 << 20
	if err := os.WriteFile(big, make([]byte, size), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var api []time.Duration
		for range 200 {
			start := time.Now()
			if code, err := execOnce(ctx, cli, "bench", []string{"true"}, io.Discard); err != nil || code != 0 {
				b.Fatalf("exec true: %d %v", code, err)
			}
			api = append(api, time.Since(start))
		}
		p50, p95 := median(api)
		b.ReportMetric(float64(p50.Microseconds())/1000, "exec-p50-ms")
		b.ReportMetric(float64(p95.Microseconds())/1000, "exec-p95-ms")

		var cliTimes []time.Duration
		for range 20 {
			start := time.Now()
			s.mustDocker("exec", "bench", "true")
			cliTimes = append(cliTimes, time.Since(start))
		}
		p50, _ = median(cliTimes)
		b.ReportMetric(float64(p50.Microseconds())/1000, "cli-exec-p50-ms")

		var n countWriter
		start := time.Now()
		if code, err := execOnce(ctx, cli, "bench", []string{"cat", big}, &n); err != nil || code != 0 || n != size {
			b.Fatalf("exec cat: %d %v, %d bytes", code, err, n)
		}
		b.ReportMetric(float64(size)/(1<<20)/time.Since(start).Seconds(), "cat-MB/s")

		// The same through the backend's socket, without the frontend.
		n = 0
		start = time.Now()
		if code, err := execOnce(ctx, direct, "bench", []string{"cat", big}, &n); err != nil || code != 0 || n != size {
			b.Fatalf("exec cat on the backend: %d %v, %d bytes", code, err, n)
		}
		b.ReportMetric(float64(size)/(1<<20)/time.Since(start).Seconds(), "backend-cat-MB/s")

		start = time.Now()
		cmd := exec.Command("docker", "exec", "bench", "cat", big)
		cmd.Env = append(os.Environ(), "DOCKER_HOST="+s.Host)
		var cn countWriter
		cmd.Stdout = &cn
		if err := cmd.Run(); err != nil || cn != size {
			b.Fatalf("docker exec cat: %v, %d bytes", err, cn)
		}
		b.ReportMetric(float64(size)/(1<<20)/time.Since(start).Seconds(), "cli-cat-MB/s")
	}
	s.mustDocker("rm", "-f", "bench")
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
