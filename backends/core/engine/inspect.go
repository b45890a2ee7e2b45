package engine

import (
	"context"
	"io/fs"
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/storage"
)

// timeFormat is how dockerd writes times in inspect: RFC 3339 with nanoseconds.
const timeFormat = time.RFC3339Nano

// zeroTime is what dockerd shows for a time that never happened.
const zeroTime = "0001-01-01T00:00:00Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return zeroTime
	}
	return t.UTC().Format(timeFormat)
}

// Inspect describes container ref as GET /containers/{id}/json. With size,
// the root file system is measured.
func (e *Engine) Inspect(ctx context.Context, ref string, size bool) (container.InspectResponse, error) {
	c, err := e.get(ref)
	if err != nil {
		return container.InspectResponse{}, err
	}
	c.mu.Lock()
	resp := e.inspectLocked(c)
	c.mu.Unlock()
	if size {
		rw, root := e.sizes(ctx, c)
		resp.SizeRw, resp.SizeRootFs = &rw, &root
	}
	return resp, nil
}

// inspectLocked builds the inspect body; c.mu is held.
func (e *Engine) inspectLocked(c *Container) container.InspectResponse {
	r := &c.rec
	cfg := *r.Config
	hc := *r.HostConfig
	st := r.State
	state := &container.State{
		Status: st.Status, Running: st.running(), Paused: st.Status == StatusPaused,
		Restarting: st.Status == StatusRestarting, OOMKilled: st.OOMKilled, Dead: st.Status == StatusDead,
		Pid: st.Pid, ExitCode: st.ExitCode, Error: st.Error,
		StartedAt: formatTime(st.StartedAt), FinishedAt: formatTime(st.FinishedAt),
	}
	if st.Health != nil {
		h := *st.Health
		h.Log = slices.Clone(h.Log)
		state.Health = &h
	}
	execIDs := make([]string, 0, len(c.execs))
	for id, x := range c.execs {
		if !x.exited.Load() {
			execIDs = append(execIDs, id)
		}
	}
	slices.Sort(execIDs)
	if len(execIDs) == 0 {
		execIDs = nil
	}
	return container.InspectResponse{
		ID: r.ID, Created: formatTime(r.Created), Path: r.Path, Args: nonNil(r.Args), State: state,
		Image: r.ImageID, LogPath: e.logPath(r.ID), Name: r.Name, RestartCount: r.RestartCount,
		Driver: e.storageDriver(), Platform: "linux", ExecIDs: execIDs, HostConfig: &hc,
		GraphDriver: &storage.DriverData{Name: e.storageDriver(), Data: map[string]string{"RootDir": e.rootFS(r.ID)}},
		Mounts:      mountPoints(r.Mounts), Config: &cfg,
		NetworkSettings: &container.NetworkSettings{Ports: network.PortMap{}, Networks: endpoints(r)},
	}
}

// storageDriver names where root file systems live: unpacked directories
// managed by this backend.
func (e *Engine) storageDriver() string { return "sockerless-" + e.drv.Name }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// endpoints are r's endpoints as inspect shows them. The engine keeps a
// stopped container's address reserved; dockerd releases it at stop, so,
// as there, a container that is not running shows no endpoint, address,
// gateway or MAC address.
func endpoints(r *Record) map[string]*network.EndpointSettings {
	out := copyEndpoints(r.Networks)
	if r.State.running() {
		return out
	}
	for _, ep := range out {
		if ep != nil {
			ep.EndpointID, ep.Gateway, ep.IPAddress, ep.IPPrefixLen, ep.MacAddress = "", netip.Addr{}, netip.Addr{}, 0, nil
		}
	}
	return out
}

func copyEndpoints(eps map[string]*network.EndpointSettings) map[string]*network.EndpointSettings {
	out := make(map[string]*network.EndpointSettings, len(eps))
	for k, v := range eps {
		out[k] = v.Copy()
	}
	return out
}

// sizes measures the container's root file system. SizeRootFs is its
// total; SizeRw is what exceeds the image's unpacked size, an estimate of
// the writable layer (directories are not layered here).
func (e *Engine) sizes(ctx context.Context, c *Container) (rw, root int64) {
	root = dirSize(e.rootFS(c.rec.ID))
	if img, err := e.images.Resolve(ctx, c.rec.ImageID); err == nil {
		rw = max(0, root-img.Size)
	}
	return rw, root
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// statusString is the human status of docker ps, as dockerd's State.String.
func statusString(s State, now time.Time) string {
	ago := func(t time.Time) string { return units.HumanDuration(now.Sub(t)) }
	switch s.Status {
	case StatusRunning:
		if s.Health != nil {
			return "Up " + ago(s.StartedAt) + " (" + string(s.Health.Status) + ")"
		}
		return "Up " + ago(s.StartedAt)
	case StatusPaused:
		return "Up " + ago(s.StartedAt) + " (Paused)"
	case StatusRestarting:
		return "Restarting (" + itoa(s.ExitCode) + ") " + ago(s.FinishedAt) + " ago"
	case StatusRemoving:
		return "Removal In Progress"
	case StatusDead:
		return "Dead"
	}
	if s.StartedAt.IsZero() {
		return "Created"
	}
	if s.FinishedAt.IsZero() {
		return ""
	}
	return "Exited (" + itoa(s.ExitCode) + ") " + ago(s.FinishedAt) + " ago"
}

// summary builds the list entry; c.mu is held.
func (e *Engine) summary(c *Container, now time.Time) container.Summary {
	r := &c.rec
	cmd := r.Path
	if len(r.Args) > 0 {
		cmd += " " + strings.Join(r.Args, " ")
	}
	s := container.Summary{
		ID: r.ID, Names: []string{r.Name}, Image: r.Config.Image, ImageID: r.ImageID, Command: cmd,
		Created: r.Created.Unix(), Ports: ports(r.Config), Labels: maps.Clone(r.Config.Labels),
		State: r.State.Status, Status: statusString(r.State, now),
		NetworkSettings: &container.NetworkSettingsSummary{Networks: endpoints(r)},
		Mounts:          mountPoints(r.Mounts),
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	if h := r.State.Health; h != nil {
		s.Health = &container.HealthSummary{Status: h.Status, FailingStreak: h.FailingStreak}
	}
	s.HostConfig.NetworkMode = string(r.HostConfig.NetworkMode)
	return s
}

// ports lists the exposed ports; nothing is published on the host.
func ports(cfg *container.Config) []container.PortSummary {
	out := []container.PortSummary{}
	for p := range cfg.ExposedPorts {
		out = append(out, container.PortSummary{PrivatePort: p.Num(), Type: string(p.Proto())})
	}
	slices.SortFunc(out, func(a, b container.PortSummary) int { return int(a.PrivatePort) - int(b.PrivatePort) })
	return out
}
