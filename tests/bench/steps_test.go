package bench

import (
	"io"
	"sort"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// BenchmarkRunSteps does what `docker run --rm IMG true` does through the
// API (create with AutoRemove, attach, wait for removal, start, read the
// stream to its end, the wait's answer) and reports the median of each
// step, so that the CLI's own start is out of the figure and the slow step
// shows.
func BenchmarkRunSteps(b *testing.B) {
	for _, tg := range targets(b) {
		b.Run(tg.name, func(b *testing.B) {
			ctx := b.Context()
			c := newClient(b, tg.host)
			steps := map[string][]time.Duration{}
			lap := func(name string, t0 time.Time) time.Time {
				now := time.Now()
				steps[name] = append(steps[name], now.Sub(t0))
				return now
			}
			for b.Loop() {
				t0 := time.Now()
				t := t0
				cr, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
					Config:     &container.Config{Image: img, Cmd: []string{"true"}, AttachStdout: true, AttachStderr: true},
					HostConfig: &container.HostConfig{AutoRemove: true},
				})
				if err != nil {
					b.Fatal(err)
				}
				t = lap("create", t)
				att, err := c.ContainerAttach(ctx, cr.ID, client.ContainerAttachOptions{Stream: true, Stdout: true, Stderr: true})
				if err != nil {
					b.Fatal(err)
				}
				t = lap("attach", t)
				wait := c.ContainerWait(ctx, cr.ID, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
				if _, err := c.ContainerStart(ctx, cr.ID, client.ContainerStartOptions{}); err != nil {
					b.Fatal(err)
				}
				t = lap("start", t)
				io.Copy(io.Discard, att.Reader)
				att.Close()
				t = lap("stream-eof", t)
				select {
				case res := <-wait.Result:
					if res.StatusCode != 0 {
						b.Fatalf("exit %d", res.StatusCode)
					}
				case err := <-wait.Error:
					b.Fatal(err)
				}
				lap("removed", t)
				lap("total", t0)
			}
			names := make([]string, 0, len(steps))
			for n := range steps {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				d := steps[n]
				sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
				b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, n+"-p50-ms")
			}
		})
	}
}
