package sandbox

import (
	"context"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startWait runs cfg in c and returns its exit status.
func startWait(b *testing.B, c *Container, cfg ProcessConfig) int {
	p, err := c.Start(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return p.Wait()
}

// reportMedian reports the median duration of fn as "median-ns/op".
func reportMedian(b *testing.B, fn func()) {
	d := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		fn()
		d = append(d, time.Since(start))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "median-ns/op")
}

// BenchmarkTrue measures starting applet true and waiting for its exit.
func BenchmarkTrue(b *testing.B) {
	c, _ := testContainer(b)
	cfg := ProcessConfig{Args: []string{"true"}}
	startWait(b, c, cfg) // warm-up
	reportMedian(b, func() {
		if code := startWait(b, c, cfg); code != 0 {
			b.Fatalf("exit %d", code)
		}
	})
}

// BenchmarkSeqSortTail measures a three-applet pipeline through the shell.
func BenchmarkSeqSortTail(b *testing.B) {
	c, _ := testContainer(b)
	cfg := ProcessConfig{Args: []string{"sh", "-c", "seq 1 100000 | sort -n | tail -n 1"}, Stdout: io.Discard}
	reportMedian(b, func() {
		if code := startWait(b, c, cfg); code != 0 {
			b.Fatalf("exit %d", code)
		}
	})
}

// BenchmarkBusyboxTrue measures busybox-static's true via os/exec, the
// native baseline for BenchmarkTrue.
func BenchmarkBusyboxTrue(b *testing.B) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		b.Fatalf("busybox-static is needed for the baseline: %v", err)
	}
	reportMedian(b, func() {
		if err := exec.Command(bb, "true").Run(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkBusyboxSeqSortTail is the native baseline of BenchmarkSeqSortTail.
func BenchmarkBusyboxSeqSortTail(b *testing.B) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		b.Fatalf("busybox-static is needed for the baseline: %v", err)
	}
	reportMedian(b, func() {
		if err := exec.Command(bb, "sh", "-c", "busybox seq 1 100000 | busybox sort -n | busybox tail -n 1").Run(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkIdleSleepMemory reports the memory of one idle sleep container:
// the wasm linear memory the sandbox accounts and the Go heap it adds.
func BenchmarkIdleSleepMemory(b *testing.B) {
	rt := testRuntime(b)
	for b.Loop() {
		const n = 10
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rssBefore := vmRSS(b)
		var procs []*Process
		var wasm uint64
		for range n {
			c, _ := testContainer(b)
			p, err := c.Start(context.Background(), ProcessConfig{Args: []string{"sleep", "60"}})
			if err != nil {
				b.Fatal(err)
			}
			procs = append(procs, p)
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if ps := c.Processes(); len(ps) == 1 && ps[0].Memory > 0 {
					wasm += ps[0].Memory
					break
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(wasm)/n/(1<<20), "wasm-MiB/container")
		b.ReportMetric(float64(vmRSS(b)-rssBefore)/n/(1<<20), "rss-MiB/container")
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n/(1<<20), "heap-MiB/container")
		for _, p := range procs {
			p.Signal(9)
			p.Wait()
		}
		_ = rt
	}
}

// BenchmarkNewCached measures a daemon restart: New with the compiled
// toolbox already in the cache directory.
func BenchmarkNewCached(b *testing.B) {
	testRuntime(b) // fills the cache
	for b.Loop() {
		rt, err := New(b.Context(), Options{CacheDir: testCacheDir()})
		if err != nil {
			b.Fatal(err)
		}
		rt.Close(context.Background())
	}
}

// vmRSS is the resident memory of the test process, from /proc.
func vmRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
