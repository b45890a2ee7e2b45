package engine

import (
	"context"
	"encoding/json"
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
	items, err := e.list(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := make([]container.Summary, len(items))
	for i, it := range items {
		if opts.Size {
			out[i] = *it.s
			out[i].SizeRw, out[i].SizeRootFs = e.sizes(ctx, it.c)
		} else if err := json.Unmarshal(it.json, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListJSON is [Engine.List] already encoded as a JSON array. Each entry's
// encoding is cached until its container or its status text changes, so
// listing many containers costs little more than copying bytes.
func (e *Engine) ListJSON(ctx context.Context, opts ListOptions) ([]byte, error) {
	if opts.Size {
		out, err := e.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
	items, err := e.list(ctx, opts)
	if err != nil {
		return nil, err
	}
	n := 2
	for _, it := range items {
		n += len(it.json) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, it := range items {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, it.json...)
	}
	return append(buf, ']', '\n'), nil
}

type listItem struct {
	created time.Time
	id      string
	s       *container.Summary
	json    []byte
	c       *Container
}

func (e *Engine) list(ctx context.Context, opts ListOptions) ([]listItem, error) {
	m, err := e.matcher(ctx, opts.Filters)
	if err != nil {
		return nil, err
	}
	all := opts.All || opts.Limit > 0 || opts.Filters.Has("status") || opts.Filters.Has("exited")
	cs := e.all()
	items := make([]listItem, 0, len(cs))
	for _, c := range cs {
		c.mu.Lock()
		if (all || c.rec.State.running()) && m.match(&c.rec) {
			items = append(items, listItem{created: c.rec.Created, id: c.rec.ID, c: c})
		}
		c.mu.Unlock()
	}
	slices.SortFunc(items, func(a, b listItem) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	if m.before != nil || m.since != nil {
		items = slices.DeleteFunc(items, func(it listItem) bool {
			return m.before != nil && !it.created.Before(*m.before) || m.since != nil && !it.created.After(*m.since)
		})
	}
	if opts.Limit > 0 && len(items) > opts.Limit {
		items = items[:opts.Limit]
	}
	// Only the entries that are listed are built (or taken from the cache).
	now := e.now()
	for i := range items {
		c := items[i].c
		c.mu.Lock()
		if opts.Size {
			s := e.summary(c, now)
			items[i].s = &s
		} else {
			items[i].json = e.summaryJSON(c, now)
		}
		c.mu.Unlock()
	}
	return items, nil
}

// summaryJSON returns the encoded list entry of c, from the cache when
// neither c nor its status text changed; c.mu is held.
func (e *Engine) summaryJSON(c *Container, now time.Time) []byte {
	status := statusString(c.rec.State, now)
	if c.summaryJSON != nil && c.summaryVer == c.ver && c.summaryStatus == status {
		return c.summaryJSON
	}
	s := e.summary(c, now)
	s.Status = status
	b, err := json.Marshal(s)
	if err != nil {
		return []byte("{}")
	}
	c.summaryJSON, c.summaryVer, c.summaryStatus = b, c.ver, status
	return b
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
		!f.Match("status", string(r.State.Status)) || !f.Match("health", string(r.State.healthStatus())) || !f.Match("is-task", "false") ||
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
			vols = append(vols, mt.Name, mt.Source, mt.Destination)
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
