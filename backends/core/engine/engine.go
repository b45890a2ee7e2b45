// Package engine is the backend's container manager: the container records
// and their state machine (created, running, paused, restarting, removing,
// exited, dead), crash-only persistence and recovery, output logs, attach
// and exec plumbing, and restart policies. It implements the semantics of
// dockerd's daemon package for the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container)
// on top of a [driver.Driver] that does the actual execution.
package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
)

// Images is what the engine needs of the image store.
type Images interface {
	Resolve(ctx context.Context, ref string) (imagestore.Image, error)
	Unpack(ctx context.Context, imageID, dir string) error
}

// Networks is what the engine needs of the network manager.
type Networks interface {
	Validate(mode string) error
	// Connect attaches container id (named name) to network ref and
	// returns the network's name and the endpoint.
	Connect(ctx context.Context, id, name, ref string, cfg *network.EndpointSettings) (string, *network.EndpointSettings, error)
	// Disconnect detaches container id from network ref and returns the
	// network's name.
	Disconnect(ctx context.Context, id, ref string) (string, error)
	Restore(id, name string, eps map[string]*network.EndpointSettings)
	Rename(id, name string)
	Release(ctx context.Context, id string)
	// Announce publishes the connect (up) or disconnect events of every
	// endpoint of id, when it starts or stops.
	Announce(ctx context.Context, id string, up bool)
	// Neighbours are the containers sharing a user-defined network with
	// id, whose names it resolves.
	Neighbours(id string) []string
	// Peers are the endpoints on the user-defined networks of id.
	Peers(id string) []networks.Peer
}

// Options configure [Open].
type Options struct {
	// Dir holds one directory per container (root file system, log).
	Dir string
	// Store keeps the container records.
	Store    *store.Store
	Driver   driver.Driver
	Images   Images
	Networks Networks
	// Volumes may be nil: containers then cannot use volumes.
	Volumes Volumes
	Events  events.Publisher
	Logger  zerolog.Logger
}

// Engine manages the containers of one backend.
type Engine struct {
	dir    string
	st     *store.Store
	drv    driver.Driver
	images Images
	nets   Networks
	vols   Volumes
	events events.Publisher
	log    zerolog.Logger
	now    func() time.Time

	// ctx outlives requests: running tasks and restart timers hang off it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	hosts hostsTable

	mu       sync.RWMutex
	byID     map[string]*Container
	names    map[string]string // "/name" → ID
	execs    map[string]*Exec
	closing  bool
	shutdown chan struct{}
}

// kind is the store kind of container records.
const kind = "containers"

// Open loads the containers recorded in opts.Store and recovers them:
// containers that were running when the daemon died are exited (255, as
// dockerd reports them after an unclean stop) and restarted when their
// restart policy says so; removals that were in progress are finished.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	e := &Engine{dir: opts.Dir, st: opts.Store, drv: opts.Driver, images: opts.Images, nets: opts.Networks, vols: opts.Volumes,
		events: opts.Events, log: opts.Logger, now: time.Now,
		byID: map[string]*Container{}, names: map[string]string{}, execs: map[string]*Exec{}, shutdown: make(chan struct{})}
	e.ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if e.events == nil {
		e.events = nopPublisher{}
	}
	var loaded []*Container
	err := e.st.List(kind, func(id string, data []byte) error {
		var r Record
		if err := json.Unmarshal(data, &r); err != nil || r.ID != id || r.Config == nil || r.HostConfig == nil {
			e.log.Warn().Str("container_id", id).Msg("skipping unreadable container record")
			return nil
		}
		c := newContainer(r)
		e.byID[r.ID] = c
		e.names[r.Name] = r.ID
		loaded = append(loaded, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	var boot []*Container
	for _, c := range loaded {
		if e.recover(ctx, c) {
			boot = append(boot, c)
		}
	}
	// Started once every record is recovered: a start reads the other
	// containers (its network namespace's members), which recover writes
	// without their locks.
	for _, c := range boot {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if err := e.start(e.ctx, c, false); err != nil {
				e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("restart on daemon start")
			}
		}()
	}
	return e, nil
}

// recover brings a loaded container to a consistent state, and tells
// whether its restart policy starts it again now.
func (e *Engine) recover(ctx context.Context, c *Container) bool {
	r := &c.rec
	if e.nets != nil {
		e.nets.Restore(r.ID, r.Name[1:], r.Networks)
	}
	e.trackHosts(r)
	if e.vols != nil {
		for _, m := range r.Mounts {
			if m.Type == "volume" && m.Name != "" {
				e.vols.Restore(m.Name, r.ID)
			}
		}
	}
	switch r.State.Status {
	case StatusRemoving, StatusDead:
		// An interrupted removal is finished; a dead container (its driver
		// failed to release it) is tried again, as dockerd does at start.
		if err := e.finishRemove(ctx, c); err != nil {
			e.log.Warn().Err(err).Str("container_id", r.ID).Msg("finish interrupted removal")
		}
		return false
	case StatusRunning, StatusPaused, StatusRestarting:
		if e.reattach(ctx, c) {
			return false
		}
		r.State = State{Status: StatusExited, ExitCode: 255, StartedAt: r.State.StartedAt, FinishedAt: e.now().UTC(), Health: r.State.Health}
		if err := e.persist(c); err != nil {
			e.log.Error().Err(err).Str("container_id", r.ID).Msg("record recovered state")
		}
	}
	return shouldRestartOnBoot(r)
}

// Close stops restart timers and the running containers, as dockerd does
// at shutdown, and waits for background work.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		return nil
	}
	e.closing = true
	close(e.shutdown)
	all := make([]*Container, 0, len(e.byID))
	for _, c := range e.byID {
		all = append(all, c)
	}
	e.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range all {
		if e.liveRestore() {
			break // cloud tasks outlive the backend; recover reattaches them
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(e.ctx, 15*time.Second)
			defer cancel()
			_ = e.stop(ctx, c, "", nil, false)
		}()
	}
	wg.Wait()
	e.cancel()
	e.wg.Wait()
	return nil
}

// Backend is the backend's name for error messages.
func (e *Engine) Backend() string { return e.drv.Name }

// Driver is the backend's driver.
func (e *Engine) Driver() driver.Driver { return e.drv }

func (e *Engine) isClosing() bool {
	select {
	case <-e.shutdown:
		return true
	default:
		return false
	}
}

func (e *Engine) containerDir(id string) string { return filepath.Join(e.dir, id) }

// unsupported is the 501 naming the backend for something its driver lacks.
func (e *Engine) unsupported(what string) error {
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s is not supported by the %s backend", what, e.drv.Name))
}

// unsupportedPlural is unsupported for a plural noun ("named volumes").
func (e *Engine) unsupportedPlural(what string) error {
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s are not supported by the %s backend", what, e.drv.Name))
}

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, eventsMessage) {}

// ParseTimestamp parses the since, until and filter timestamps of the
// Docker Engine API relative to now.
func ParseTimestamp(s string, now time.Time) (time.Time, error) { return parseTimestamp(s, now) }
