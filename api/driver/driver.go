// Package driver declares the contract between the Sockerless backend core
// and the code that actually runs containers: the WASM sandbox of the memory
// backend, an agent inside a cloud workload, or a real Docker daemon.
//
// The core keeps every container record (configuration, state, logs); a
// driver only does the work that needs execution. The five concerns are
// separate interfaces — [Lifecycle], [Exec], [Filesystem], [Stream] and
// [Network] — and each is chained Agent → Process → Synthetic (see [Chain]):
// the first layer that can serve a call does, and a layer that cannot returns
// [ErrUnsupported] so the next one is tried. The synthetic layer answers only
// what needs no execution; it never reports success for work nobody did.
//
// Optional abilities are separate interfaces ([Pauser], [Statter], [Topper],
// [Resizer]); limits are reported as data in [Capabilities].
package driver

import (
	"context"
	"errors"
	"io"
	"syscall"
	"time"
)

// ErrUnsupported is returned by a driver layer that cannot serve a call, so
// that a [Chain] moves on to the next layer. When no layer is left the core
// turns it into a 501 naming the backend.
var ErrUnsupported = errors.New("unsupported by this driver layer")

// Mount is a path from outside the container made visible inside it.
type Mount struct {
	// Type is "bind", "volume" or "tmpfs", as in Docker's mount types.
	Type string
	// Source is a host directory (binds, volumes, tmpfs backing dirs).
	Source string
	// Destination is the absolute path inside the container.
	Destination string
	ReadOnly    bool
	// Volume is the volume's name when Type is "volume": drivers that
	// keep volumes outside the host (ECS: EFS access points) key them by
	// it.
	Volume string `json:",omitempty"`
}

// Spec is what a driver needs to know to run a container. The core fills it
// from the container's configuration merged with its image's configuration.
type Spec struct {
	ID       string
	Name     string // without the leading slash
	Hostname string
	// Image is the image ID (sha256:...) the container was created from;
	// empty for a container without an image root file system.
	Image string
	// ImageRef is the image as the user named it (Config.Image, such as
	// "123.dkr.ecr.us-east-1.amazonaws.com/app:1"): what a cloud runs.
	ImageRef string
	// NanoCPUs and Memory are the limits asked for (HostConfig; 0 when
	// none): cloud drivers size their task from them.
	NanoCPUs int64
	Memory   int64
	// Path and Args are the resolved entrypoint and command.
	Path       string
	Args       []string
	Env        []string
	WorkingDir string
	User       string
	TTY        bool
	OpenStdin  bool
	StopSignal syscall.Signal
	Labels     map[string]string
	Mounts     []Mount
	// JoinsNetworkOf names the container whose network namespace this one
	// joins (`--network container:X`, a pod's members): "" when it has
	// its own.
	JoinsNetworkOf string
	// Members, set when the container starts, are the IDs of the
	// created containers that will join its network namespace (directly
	// or through one another), in creation order: a pod's members,
	// compose's `network_mode: service:x`. A driver that runs a network
	// namespace as one unit (an ECS task) starts them with it; the
	// others ignore it.
	Members []string `json:",omitempty"`
	// ReadOnlyRoot refuses writes to the root file system outside the
	// mounts (`docker run --read-only`).
	ReadOnlyRoot bool
	// RootFS is the host directory that holds the container's root file
	// system, prepared by the core (image layers unpacked into it) before
	// [Lifecycle.Create] is called. Drivers that do not run locally ignore it.
	RootFS string
}

// TermSize is a terminal size in character cells.
type TermSize struct {
	Height, Width uint
}

// Streams are the standard streams of a process. Stdin is nil when the
// process has no stdin. With TTY set, Stderr is unused and Stdout carries the
// raw terminal output. Resize delivers terminal size changes.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	TTY            bool
	Resize         <-chan TermSize
}

// Process is a process to run inside an existing, running container.
type Process struct {
	Args       []string
	Env        []string
	WorkingDir string
	User       string
	TTY        bool
}

// ExitStatus is how a container's main process ended.
type ExitStatus struct {
	Code      int
	OOMKilled bool
	// Error is set when the process could not be run at all, as dockerd's
	// State.Error ("exec: \"nope\": executable file not found in $PATH").
	Error      string
	FinishedAt time.Time
}

// Task is a running main process of a container.
type Task interface {
	// PID is the process ID as the driver sees it (0 when unknown).
	PID() int
	// Wait blocks until the process exits or ctx is done.
	Wait(ctx context.Context) (ExitStatus, error)
	// Signal delivers sig to the process.
	Signal(ctx context.Context, sig syscall.Signal) error
}

// Lifecycle creates, starts and removes containers.
type Lifecycle interface {
	// Create prepares the container (its file system, a task definition...)
	// without running anything.
	Create(ctx context.Context, spec Spec) error
	// Start runs the container's main process with the given streams. The
	// returned Task reports its exit.
	Start(ctx context.Context, spec Spec, io Streams) (Task, error)
	// Remove releases everything Create and Start allocated. It is called
	// only for containers that are not running.
	Remove(ctx context.Context, id string) error
}

// Exec runs a process in a running container and streams its I/O.
type Exec interface {
	// Exec runs p in container id. started, when not nil, is called once
	// the process runs, with its PID. The call returns when the process exits.
	Exec(ctx context.Context, id string, p Process, io Streams, started func(pid int)) (exitCode int, err error)
}

// ArchiveOptions tune [Filesystem.PutArchive].
type ArchiveOptions struct {
	// NoOverwriteDirNonDir refuses to replace a directory with a
	// non-directory and the reverse, as Docker's noOverwriteDirNonDir.
	NoOverwriteDirNonDir bool
	// CopyUIDGID keeps the uid/gid of the archive entries.
	CopyUIDGID bool
}

// PathStat describes a path inside a container, as Docker's
// X-Docker-Container-Path-Stat header.
type PathStat struct {
	Name       string
	Size       int64
	Mode       uint32 // Go's os.FileMode bits, as Docker sends them
	Mtime      time.Time
	LinkTarget string
}

// Change is one file system change, as Docker's /changes.
type Change struct {
	Path string
	Kind uint8 // 0 modified, 1 added, 2 deleted
}

// Filesystem reads and writes a container's file system.
type Filesystem interface {
	// StatPath describes path inside container id.
	StatPath(ctx context.Context, id, path string) (PathStat, error)
	// GetArchive returns a tar archive of path inside container id.
	GetArchive(ctx context.Context, id, path string) (io.ReadCloser, PathStat, error)
	// PutArchive extracts the tar archive r into the directory path.
	PutArchive(ctx context.Context, id, path string, r io.Reader, opts ArchiveOptions) error
	// Export returns a tar archive of the whole root file system.
	Export(ctx context.Context, id string) (io.ReadCloser, error)
	// Changes lists changes relative to the container's image.
	Changes(ctx context.Context, id string) ([]Change, error)
}

// LogEntry is one line or chunk of container output.
type LogEntry struct {
	Stream string // "stdout" or "stderr"
	Time   time.Time
	Data   []byte
}

// LogOptions select container output, as Docker's logs query.
type LogOptions struct {
	Since, Until time.Time
	Follow       bool
	// Tail is the number of lines from the end; negative means all.
	Tail int
}

// Stream serves a container's output when the driver, not the core, holds
// it (cloud logs). Drivers whose output flows through [Streams] do not
// implement it: the core's log store is the synthetic layer.
type Stream interface {
	Logs(ctx context.Context, id string, opts LogOptions, fn func(LogEntry) error) error
}

// Endpoint is a container's attachment to a network.
type Endpoint struct {
	NetworkID   string
	NetworkName string
	IPAddress   string
	Gateway     string
	MacAddress  string
	Aliases     []string
}

// Network connects containers to networks. The synthetic layer keeps only
// the IPAM bookkeeping; a driver that can really connect implements it.
type Network interface {
	Connect(ctx context.Context, id string, ep Endpoint) error
	Disconnect(ctx context.Context, id string, networkID string) error
}

// Pauser is implemented by drivers that can freeze a container.
type Pauser interface {
	Pause(ctx context.Context, id string) error
	Unpause(ctx context.Context, id string) error
}

// ProcessInfo is one process of a running container, for docker top.
type ProcessInfo struct {
	PID     int
	PPID    int
	User    string
	Started time.Time
	Command string
	// CPU is the processor time the process used; negative when the
	// driver does not measure it.
	CPU time.Duration
}

// Topper is implemented by drivers that can list a container's processes.
type Topper interface {
	Top(ctx context.Context, id string) ([]ProcessInfo, error)
}

// Usage is measured resource usage of a container.
type Usage struct {
	Read         time.Time
	CPUNanos     uint64 // total CPU time used
	SystemNanos  uint64 // host CPU time, for the percentage
	OnlineCPUs   uint32
	MemoryBytes  uint64
	MemoryLimit  uint64
	PIDs         uint64
	NetRxBytes   uint64
	NetTxBytes   uint64
	BlockRead    uint64
	BlockWritten uint64
}

// Statter is implemented by drivers that can measure a container.
type Statter interface {
	Stats(ctx context.Context, id string) (Usage, error)
}

// Resizer is implemented by drivers whose main process has a terminal.
type Resizer interface {
	Resize(ctx context.Context, id string, size TermSize) error
}

// VolumeRemover is implemented by drivers that keep volume data away
// from the backend's host (ECS: one EFS access point per volume). The core
// calls RemoveVolume before it forgets a volume (docker volume rm, prune);
// an error keeps the volume, so that nothing is left behind unrecorded.
// A volume the driver never saw is not an error.
type VolumeRemover interface {
	RemoveVolume(ctx context.Context, name string) error
}

// NetworkRemover is implemented by drivers that make cloud resources for
// a user-defined network (ECS: a security group and a Cloud Map
// namespace). The core calls RemoveNetwork before it forgets a network
// (docker network rm, prune); an error keeps the network. A network the
// driver never saw is not an error.
type NetworkRemover interface {
	RemoveNetwork(ctx context.Context, id, name string) error
}

// Capabilities report what a driver can do, as data.
type Capabilities struct {
	Exec    bool
	Attach  bool
	Archive bool
	Pause   bool
	Stats   bool
	Top     bool
	// CPUs is how many CPUs a container may be given (`--cpus`); 0
	// means the host's, as dockerd.
	CPUs int
}

// Driver is the complete set of a backend's drivers. Any field may be nil
// when the backend has no such layer; the core answers such calls with a
// 501 naming the backend.
type Driver struct {
	// Name of the backend, as it appears in errors ("memory", "ecs").
	Name       string
	Lifecycle  Lifecycle
	Exec       Exec
	Filesystem Filesystem
	Stream     Stream
	Network    Network
	// Extra holds the optional abilities (Pauser, Topper, Statter,
	// Resizer); the core type-asserts it.
	Extra        any
	Capabilities Capabilities
}
