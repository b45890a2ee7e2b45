package server

import (
	"context"
	"runtime"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestMemoryPerExitedContainer checks the core keeps little per exited
// container (the integrator's target: 1,000 exited containers in < 100 MB).
func TestMemoryPerExitedContainer(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 300 containers")
	}
	f := newFixture(t)
	ctx := context.Background()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 300
	for range n {
		res, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "busybox", Cmd: []string{"echo", "hi"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
		f.waitExit(t, res.ID)
	}
	if _, err := f.cli.ContainerList(ctx, client.ContainerListOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	f.srv.Client().CloseIdleConnections()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	t.Logf("heap per exited container: %d bytes", per)
	if per > 50<<10 {
		t.Errorf("heap per exited container %d bytes, want < 50 KiB", per)
	}
}
