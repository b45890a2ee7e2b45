package engine

import (
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/logs"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// The container states, as Docker names them.
const (
	StatusCreated    = container.StateCreated
	StatusRunning    = container.StateRunning
	StatusPaused     = container.StatePaused
	StatusRestarting = container.StateRestarting
	StatusRemoving   = container.StateRemoving
	StatusExited     = container.StateExited
	StatusDead       = container.StateDead
)

// State is a container's persisted state.
type State struct {
	Status     container.ContainerState
	Pid        int       `json:",omitempty"`
	ExitCode   int       `json:",omitempty"`
	Error      string    `json:",omitempty"`
	OOMKilled  bool      `json:",omitempty"`
	StartedAt  time.Time `json:",omitzero"`
	FinishedAt time.Time `json:",omitzero"`
	// Health is set for containers with a health check, from their start.
	Health *container.Health `json:",omitempty"`
}

// healthStatus is the health as filters and docker ps see it.
func (s State) healthStatus() container.HealthStatus {
	if s.Health == nil {
		return container.NoHealthcheck
	}
	return s.Health.Status
}

// Record is everything persisted about a container: one atomic write per
// state change.
type Record struct {
	ID      string
	Name    string // with the leading slash
	Created time.Time
	// Path and Args are the resolved entrypoint and command.
	Path       string
	Args       []string
	Config     *container.Config
	HostConfig *container.HostConfig
	ImageID    string
	Networks   map[string]*network.EndpointSettings
	Mounts     []Mount
	State      State
	// RestartCount counts restarts by the restart policy since the last
	// manual start.
	RestartCount    int
	ManuallyStopped bool `json:",omitempty"`
}

// Container is a container in memory: its record and what runs.
type Container struct {
	mu  sync.Mutex
	rec Record

	task    driver.Task
	logw    *logs.Writer
	stdin   *stdinPipe
	resize  chan driver.TermSize
	hub     streams.Hub
	stopped chan struct{} // closed when the current run ends
	exits   int           // runs ended, for next-exit waits
	removed bool
	// changed is closed and replaced at every state change.
	changed chan struct{}
	// restart is the pending restart-policy timer.
	restart    *time.Timer
	restartGen int
	backoff    time.Duration
	// canceled is set by stop: the run that ends must not restart.
	canceled bool
	// restarting is set during docker restart: the stop it does must not
	// auto-remove the container, as dockerd's HasBeenManuallyRestarted.
	restarting bool
	removing   bool
	// removeVolumes asks the removal to delete anonymous volumes (rm -v).
	removeVolumes bool
	// prepared is set once the driver's Create ran in this daemon's life:
	// a driver keeps its state in memory, so recovered containers are
	// created again before their first use.
	prepared bool
	execs    map[string]*Exec
	exited   []string // finished exec IDs, oldest first
	// ver counts changes of the record; summaryJSON caches the encoded
	// list entry of version summaryVer with status summaryStatus.
	ver           uint64
	summaryVer    uint64
	summaryStatus string
	summaryJSON   []byte
}

func newContainer(r Record) *Container {
	c := &Container{rec: r, changed: make(chan struct{}), execs: map[string]*Exec{}}
	c.renewStdin()
	return c
}

// renewStdin gives the next run a fresh stdin, open before the run starts
// so that a client attached before start can already write to it. c.mu
// is held (or c not yet shared).
func (c *Container) renewStdin() {
	if c.stdin != nil {
		c.stdin.Close()
		c.stdin = nil
	}
	if c.rec.Config != nil && c.rec.Config.OpenStdin {
		c.stdin = newStdinPipe()
	}
}

// notify wakes waiters; c.mu must be held.
func (c *Container) notify() {
	c.ver++
	close(c.changed)
	c.changed = make(chan struct{})
}

// running reports whether the state counts as running for Docker
// (running, paused and restarting all do).
func (s State) running() bool {
	return s.Status == StatusRunning || s.Status == StatusPaused || s.Status == StatusRestarting
}

// persist writes c's record; c.mu must be held (or c not yet shared).
func (e *Engine) persist(c *Container) error {
	c.ver++
	if err := e.st.Put(kind, c.rec.ID, &c.rec); err != nil {
		return fmt.Errorf("record container %s: %w", c.rec.ID, err)
	}
	return nil
}

// setState changes c's state, persists it and wakes waiters; c.mu held.
func (e *Engine) setState(c *Container, s State) error {
	c.rec.State = s
	c.notify()
	return e.persist(c)
}
