package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/api/backendapi"
)

// BenchmarkList100 lists 100 containers through the real client.
func BenchmarkList100(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for i := range 100 {
		cfg := container.Config{Image: "busybox", Labels: map[string]string{"n": fmt.Sprint(i)}}
		if _, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &cfg}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := f.cli.ContainerList(ctx, client.ContainerListOptions{All: true})
		if err != nil || len(res.Items) != 100 {
			b.Fatal(len(res.Items), err)
		}
	}
}

// BenchmarkLifecycleParallel creates, starts, waits for and removes
// containers from 16 concurrent clients.
func BenchmarkLifecycleParallel(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	var n atomic.Int64
	n.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n.Add(-1) >= 0 {
				res, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "busybox", Cmd: []string{"echo", "hi"}}})
				if err != nil {
					b.Error(err)
					return
				}
				w := f.cli.ContainerWait(ctx, res.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
				if _, err := f.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
					b.Error(err)
					return
				}
				select {
				case r := <-w.Result:
					if r.StatusCode != 0 {
						b.Errorf("exit %d", r.StatusCode)
					}
				case err := <-w.Error:
					b.Error(err)
					return
				}
				if _, err := f.cli.ContainerRemove(ctx, res.ID, client.ContainerRemoveOptions{}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkList100Handler is BenchmarkList100 without the client and
// network: the server's own cost.
func BenchmarkList100Handler(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for i := range 100 {
		cfg := container.Config{Image: "busybox", Labels: map[string]string{"n": fmt.Sprint(i)}}
		if _, err := f.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &cfg}); err != nil {
			b.Fatal(err)
		}
	}
	h := f.srv.Config.Handler
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/containers/json?all=1", nil)
		req.Header.Set(backendapi.TokenHeader, token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
