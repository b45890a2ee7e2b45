// Package bench measures Sockerless through its real entry points (the
// frontend's socket, the moby Go client), beside a real dockerd in the same
// run where SOCKERLESS_DIFFERENTIAL asks for it. Figures go to
// docs/PERFORMANCE.md with the command that produced them (bench/run.sh).
package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/tests/harness"
)

const img = "busybox:bench"

type target struct {
	name string
	host string
	pid  func() int // the process whose RSS is reported; nil when unknown
}

func targets(b *testing.B) []target {
	s := harness.StartSplit(b, "memory")
	harness.ImportBusybox(b, s.Host, img)
	ts := []target{{name: "sockerless", host: s.Host, pid: s.BackendPID}}
	if os.Getenv(harness.DifferentialEnv) != "" {
		d := harness.StartDockerd(b)
		harness.ImportBusybox(b, d.Host, img)
		ts = append(ts, target{name: "dockerd", host: d.Host})
	}
	return ts
}

func newClient(b *testing.B, host string) *client.Client {
	c, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// BenchmarkList100 is one GET /containers/json with 100 containers, through
// the frontend and the backend: the request is sent and the whole answer
// read on a kept-alive connection, without decoding it, so the figure is
// the daemons' and not the client library's.
func BenchmarkList100(b *testing.B) {
	for _, tg := range targets(b) {
		b.Run(tg.name, func(b *testing.B) {
			c := newClient(b, tg.host)
			seed100(b, c)
			hc := rawClient(tg.host)
			url := "http://docker/v" + c.ClientVersion() + "/containers/json?all=1" // as negotiated
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				resp, err := hc.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || n < 100*100 {
					b.Fatalf("list: status %d, %d bytes, %v", resp.StatusCode, n, err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkList100Client is BenchmarkList100 through the moby Go client,
// which decodes the answer into container.Summary values.
func BenchmarkList100Client(b *testing.B) {
	for _, tg := range targets(b) {
		b.Run(tg.name, func(b *testing.B) {
			ctx := b.Context()
			c := newClient(b, tg.host)
			seed100(b, c)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				res, err := c.ContainerList(ctx, client.ContainerListOptions{All: true})
				if err != nil || len(res.Items) < 100 {
					b.Fatalf("list: %d items, %v", len(res.Items), err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
}

// seed100 creates 100 containers, removed when b ends.
func seed100(b *testing.B, c *client.Client) {
	ctx := context.WithoutCancel(b.Context())
	prefix := fmt.Sprintf("list-%d-", time.Now().UnixNano())
	for i := range 100 {
		_, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: &container.Config{Image: img, Cmd: []string{"true"}},
			Name:   prefix + strconv.Itoa(i),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() {
		for i := range 100 {
			c.ContainerRemove(ctx, prefix+strconv.Itoa(i), client.ContainerRemoveOptions{Force: true})
		}
	})
}

// rawClient speaks HTTP on the daemon's unix socket.
func rawClient(host string) *http.Client {
	sock := strings.TrimPrefix(host, "unix://")
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
}

// BenchmarkLifecycle1000 creates, starts, waits for and removes 1,000
// containers from 16 concurrent clients, and reports throughput and the
// backend's RSS with 1,000 exited containers.
func BenchmarkLifecycle1000(b *testing.B) {
	const total, workers = 1000, 16
	for _, tg := range targets(b) {
		b.Run(tg.name, func(b *testing.B) {
			ctx := b.Context()
			c := newClient(b, tg.host)
			for b.Loop() {
				var next, failed atomic.Int64
				var firstErr atomic.Value
				ids := make([]string, total)
				t0 := time.Now()
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						for {
							i := next.Add(1) - 1
							if i >= total {
								return
							}
							id, err := runToExit(ctx, c)
							if err != nil {
								failed.Add(1)
								firstErr.CompareAndSwap(nil, err)
								continue
							}
							ids[i] = id
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(t0)
				if n := failed.Load(); n > 0 {
					b.Fatalf("%d of %d containers failed; first: %v", n, total, firstErr.Load())
				}
				b.ReportMetric(float64(total)/elapsed.Seconds(), "containers/s")
				if tg.pid != nil {
					// Right after the burst, and settled: pooled sandbox
					// memories are given back after two idle seconds.
					b.ReportMetric(float64(rssKB(tg.pid()))/1024, "backend-RSS-MB-at-end")
					time.Sleep(5 * time.Second)
					b.ReportMetric(float64(rssKB(tg.pid()))/1024, "backend-RSS-MB-1000-exited")
				}
				removeAll(ctx, b, c, ids, workers)
			}
		})
	}
}

func runToExit(ctx context.Context, c *client.Client) (string, error) {
	cr, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: img, Cmd: []string{"true"}},
	})
	if err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	wait := c.ContainerWait(ctx, cr.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := c.ContainerStart(ctx, cr.ID, client.ContainerStartOptions{}); err != nil {
		return cr.ID, fmt.Errorf("start: %w", err)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			return cr.ID, fmt.Errorf("exit code %d", res.StatusCode)
		}
	case err := <-wait.Error:
		return cr.ID, fmt.Errorf("wait: %w", err)
	}
	return cr.ID, nil
}

func removeAll(ctx context.Context, b *testing.B, c *client.Client, ids []string, workers int) {
	ch := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range ch {
				if _, err := c.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil {
					b.Errorf("remove %s: %v", id, err)
				}
			}
		})
	}
	for _, id := range ids {
		ch <- id
	}
	close(ch)
	wg.Wait()
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// rssKB reads VmRSS of pid from /proc.
func rssKB(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
