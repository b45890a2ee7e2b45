package e2e

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/tests/harness"
)

// TestComposeEventFollowers is the events goal of issue 3: 10 concurrent
// /events followers see every event of the container lifecycles
// (create, start, die, destroy), none lost and none reordered per
// container: 1,000 lifecycles when SOCKERLESS_DIFFERENTIAL is set (the
// performance runs; about a minute), 150 otherwise.
func TestComposeEventFollowers(t *testing.T) {
	const followers, workers = 10, 4
	lifecycles := 150
	if os.Getenv(harness.DifferentialEnv) != "" {
		lifecycles = 1000
	}
	host := start(t)
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	f := make(client.Filters).Add("type", "container").Add("label", "suite=followers")
	var subs []client.EventsResult
	for range followers {
		subs = append(subs, cli.Events(ctx, client.EventsListOptions{Filters: f}))
	}
	time.Sleep(300 * time.Millisecond) // every follower is subscribed
	want := []events.Action{events.ActionCreate, events.ActionStart, events.ActionDie, events.ActionDestroy}
	got := make([]map[string][]events.Action, followers)
	var wg sync.WaitGroup
	for i, s := range subs {
		got[i] = map[string][]events.Action{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < lifecycles*len(want); n++ {
				select {
				case m := <-s.Messages:
					got[i][m.Actor.ID] = append(got[i][m.Actor.ID], m.Action)
				case err := <-s.Err:
					t.Errorf("follower %d: %v after %d events", i, err, n)
					return
				case <-ctx.Done():
					t.Errorf("follower %d: %d of %d events", i, n, lifecycles*len(want))
					return
				}
			}
		}()
	}
	t0 := time.Now()
	jobs := make(chan int)
	var run sync.WaitGroup
	for range workers {
		run.Add(1)
		go func() {
			defer run.Done()
			for range jobs {
				if err := lifecycle(ctx, cli); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for i := range lifecycles {
		jobs <- i
	}
	close(jobs)
	run.Wait()
	elapsed := time.Since(t0)
	wg.Wait()
	for i := range got {
		if len(got[i]) != lifecycles {
			t.Errorf("follower %d saw %d containers, want %d", i, len(got[i]), lifecycles)
		}
		for id, acts := range got[i] {
			if fmt.Sprint(acts) != fmt.Sprint(want) {
				t.Errorf("follower %d, container %.12s: %v, want %v", i, id, acts, want)
				break
			}
		}
	}
	t.Logf("%d lifecycles with %d followers in %v (%.1f/s)", lifecycles, followers, elapsed, float64(lifecycles)/elapsed.Seconds())
}

// lifecycle creates, starts, waits for and removes one container.
func lifecycle(ctx context.Context, cli *client.Client) error {
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: img, Cmd: []string{"true"}, Labels: map[string]string{"suite": "followers"}}})
	if err != nil {
		return err
	}
	wait := cli.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		return err
	}
	select {
	case <-wait.Result:
	case err := <-wait.Error:
		return err
	}
	_, err = cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{})
	return err
}
