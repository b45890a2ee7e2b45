package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/filters"
)

// Counts are the container counts of /info.
type Counts struct {
	Total, Running, Paused, Stopped int
}

// Counts counts the containers by state, as dockerd's /info.
func (e *Engine) Counts() Counts {
	var n Counts
	for _, c := range e.all() {
		c.mu.Lock()
		s := c.rec.State.Status
		c.mu.Unlock()
		n.Total++
		switch s {
		case StatusRunning, StatusRestarting:
			n.Running++
		case StatusPaused:
			n.Paused++
		default:
			n.Stopped++
		}
	}
	return n
}

// UsedBy returns the IDs of containers created from imageID, for the
// image store's delete conflicts.
func (e *Engine) UsedBy(imageID string) []string {
	var ids []string
	for _, c := range e.all() {
		c.mu.Lock()
		if c.rec.ImageID == imageID {
			ids = append(ids, c.rec.ID)
		}
		c.mu.Unlock()
	}
	return ids
}

// IsRunning reports whether container id runs.
func (e *Engine) IsRunning(id string) bool {
	c, err := e.get(id)
	if err != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.State.running()
}

// DiskUsage lists every container with its sizes, for /system/df.
func (e *Engine) DiskUsage(ctx context.Context) []container.Summary {
	out, _ := e.List(ctx, ListOptions{All: true, Size: true})
	return out
}

// Prune removes the stopped containers that pass the until and label
// filters, as POST /containers/prune.
func (e *Engine) Prune(ctx context.Context, f filters.Args) (container.PruneReport, error) {
	if err := f.Validate("until", "label", "label!"); err != nil {
		return container.PruneReport{}, err
	}
	var until time.Time
	for _, u := range f.Get("until") {
		t, err := parseTimestamp(u, e.now())
		if err != nil {
			return container.PruneReport{}, err
		}
		until = t
	}
	report := container.PruneReport{ContainersDeleted: []string{}}
	for _, c := range e.all() {
		c.mu.Lock()
		r := c.rec
		skip := r.State.running() || c.removing ||
			!until.IsZero() && !r.Created.Before(until) || !f.MatchLabels("label", r.Config.Labels) ||
			f.Has("label!") && matchesAnyLabel(f.Get("label!"), r.Config.Labels)
		c.mu.Unlock()
		if skip {
			continue
		}
		size := dirSize(e.containerDir(r.ID))
		if err := e.remove(ctx, c, RemoveOptions{}); err != nil {
			continue
		}
		report.ContainersDeleted = append(report.ContainersDeleted, r.ID)
		report.SpaceReclaimed += uint64(size)
	}
	e.events.Publish(ctx, mevents.Message{Type: mevents.ContainerEventType, Action: mevents.ActionPrune,
		Actor: mevents.Actor{Attributes: map[string]string{"reclaimed": strconv.FormatUint(report.SpaceReclaimed, 10)}}})
	return report, nil
}

func matchesAnyLabel(fs []string, labels map[string]string) bool {
	for _, f := range fs {
		if (filters.Args{"l": {f: true}}).MatchLabels("l", labels) {
			return true
		}
	}
	return false
}

// parseTimestamp parses Docker's timestamps: Unix seconds (with an
// optional fraction), RFC 3339 dates, or a Go duration before now.
func parseTimestamp(s string, now time.Time) (time.Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q: %w", s, errInvalidArg)
}
