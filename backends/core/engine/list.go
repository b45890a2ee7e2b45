package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/backends/core/filters"
)

// ListOptions are a container list request.
type ListOptions struct {
	All     bool
	Limit   int
	Size    bool
	Filters filters.Args
}

// listFilters are the filters GET /containers/json accepts.
var listFilters = []string{"ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task",
	"label", "name", "network", "publish", "since", "status", "volume"}

// List answers GET /containers/json: newest first, running only unless
// All, a limit or a status filter is given, as dockerd.
func (e *Engine) List(ctx context.Context, opts ListOptions) ([]container.Summary, error) {
	m, err := e.matcher(ctx, opts.Filters)
	if err != nil {
		return nil, err
	}
	all := opts.All || opts.Limit > 0 || opts.Filters.Has("status") || opts.Filters.Has("exited")
	cs := e.all()
	type item struct {
		created time.Time
		id      string
		s       container.Summary
		c       *Container
	}
	items := make([]item, 0, len(cs))
	now := e.now()
	for _, c := range cs {
		c.mu.Lock()
		if (all || c.rec.State.running()) && m.match(&c.rec) {
			items = append(items, item{c.rec.Created, c.rec.ID, e.summary(c, now), c})
		}
		c.mu.Unlock()
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	if m.before != nil || m.since != nil {
		items = slices.DeleteFunc(items, func(it item) bool {
			return m.before != nil && !it.created.Before(*m.before) || m.since != nil && !it.created.After(*m.since)
		})
	}
	if opts.Limit > 0 && len(items) > opts.Limit {
		items = items[:opts.Limit]
	}
	out := make([]container.Summary, len(items))
	for i, it := range items {
		out[i] = it.s
		if opts.Size {
			out[i].SizeRw, out[i].SizeRootFs = e.sizes(ctx, it.c)
		}
	}
	return out, nil
}

type matcher struct {
	f             filters.Args
	before, since *time.Time
	ancestors     map[string]bool // image IDs
	exited        []int
}

func (e *Engine) matcher(ctx context.Context, f filters.Args) (*matcher, error) {
	if err := f.Validate(listFilters...); err != nil {
		return nil, err
	}
	m := &matcher{f: f}
	for _, s := range f.Get("status") {
		if container.ValidateContainerState(container.ContainerState(s)) != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'status=%s'", s))
		}
	}
	for _, s := range f.Get("health") {
		switch s {
		case "starting", "healthy", "unhealthy", "none":
		default:
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'health=%s'", s))
		}
	}
	for _, s := range f.Get("exited") {
		code, err := strconv.Atoi(s)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'exited=%s'", s))
		}
		m.exited = append(m.exited, code)
	}
	for _, name := range []string{"before", "since"} {
		for _, ref := range f.Get(name) {
			c, err := e.get(ref)
			if err != nil {
				return nil, err
			}
			c.mu.Lock()
			t := c.rec.Created
			c.mu.Unlock()
			if name == "before" {
				m.before = &t
			} else {
				m.since = &t
			}
		}
	}
	if f.Has("ancestor") {
		m.ancestors = map[string]bool{}
		for _, ref := range f.Get("ancestor") {
			if img, err := e.images.Resolve(ctx, ref); err == nil {
				m.ancestors[img.ID] = true
			}
		}
	}
	return m, nil
}

// match applies the filters to r.
func (m *matcher) match(r *Record) bool {
	f := m.f
	if len(f) == 0 {
		return true
	}
	if !f.MatchPrefix("id", r.ID) || !f.MatchPattern("name", r.Name) || !f.MatchLabels("label", r.Config.Labels) ||
		!f.Match("status", string(r.State.Status)) || !f.Match("health", "none") || !f.Match("is-task", "false") ||
		!f.MatchAny("isolation", "", "default") {
		return false
	}
	if len(m.exited) > 0 && (r.State.Status != StatusExited || !slices.Contains(m.exited, r.State.ExitCode)) {
		return false
	}
	if m.ancestors != nil && !m.ancestors[r.ImageID] && !f.Match("ancestor", r.Config.Image) {
		return false
	}
	if f.Has("network") {
		var nets []string
		for name, ep := range r.Networks {
			nets = append(nets, name)
			if ep != nil {
				nets = append(nets, ep.NetworkID)
			}
		}
		if !f.MatchAny("network", nets...) {
			return false
		}
	}
	if f.Has("volume") {
		var vols []string
		for _, mt := range r.Mounts {
			vols = append(vols, mt.Source, mt.Destination)
		}
		if !f.MatchAny("volume", vols...) {
			return false
		}
	}
	if f.Has("expose") || f.Has("publish") {
		var ps []string
		for p := range r.Config.ExposedPorts {
			ps = append(ps, p.String(), strconv.Itoa(int(p.Num())))
		}
		if !f.MatchAny("expose", ps...) || f.Has("publish") {
			return false
		}
	}
	return true
}
