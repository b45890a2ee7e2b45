// Package memdriver is the driver of the memory backend: containers run
// in-process in the WASM sandbox (github.com/sockerless/sockerless/sandbox),
// without Docker. It implements the [driver] interfaces of the Sockerless
// core for the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/): lifecycle,
// exec, archive/export/changes, top, stats and resize. Pause is not
// supported: the sandbox cannot freeze a process.
package memdriver

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox"
)

// Name is the backend's name, as errors show it.
const Name = "memory"

var (
	_ driver.Lifecycle  = (*Driver)(nil)
	_ driver.Exec       = (*Driver)(nil)
	_ driver.Filesystem = (*Driver)(nil)
	_ driver.Topper     = (*Driver)(nil)
	_ driver.Statter    = (*Driver)(nil)
	_ driver.Resizer    = (*Driver)(nil)
)

// Options configure a [Driver].
type Options struct {
	// DataDir is the backend's data directory. The driver keeps its files
	// in DataDir/memory (apart from the core's DataDir/containers): the
	// compiled toolbox (wazero-cache), the roots of containers created
	// without a RootFS and each container's Changes baseline, which
	// survives a daemon restart.
	DataDir string
	// CacheDir overrides where the compiled toolbox is cached.
	CacheDir string
}

// Driver runs containers in the WASM sandbox. It is safe for concurrent use.
type Driver struct {
	opts Options
	rt   *sandbox.Runtime

	mu   sync.Mutex
	ctrs map[string]*ctr
}

// ctr is one container.
type ctr struct {
	id   string
	root string
	sb   *sandbox.Container
	// The root at the first Create, for Changes: in baselineFile when
	// the driver has a data directory (read back when asked, so that
	// exited containers hold no copy in memory), else in baseline.
	baseline     map[string]fileState
	baselineFile string

	mu   sync.Mutex
	main *sandbox.Process
}

// New compiles the toolbox (or loads it from the cache) and returns a
// driver with no containers.
func New(ctx context.Context, opts Options) (*Driver, error) {
	cache := opts.CacheDir
	if cache == "" && opts.DataDir != "" {
		cache = filepath.Join(opts.DataDir, "memory", "wazero-cache")
	}
	rt, err := sandbox.New(ctx, sandbox.Options{CacheDir: cache})
	if err != nil {
		return nil, err
	}
	return &Driver{opts: opts, rt: rt, ctrs: map[string]*ctr{}}, nil
}

// Driver returns the driver bundle of the memory backend.
func (d *Driver) Driver() driver.Driver {
	return driver.Driver{
		Name:       Name,
		Lifecycle:  d,
		Exec:       d,
		Filesystem: d,
		Extra:      d,
		Capabilities: driver.Capabilities{
			Exec: true, Attach: true, Archive: true, Stats: true, Top: true,
		},
	}
}

// Close kills every container's processes and releases the runtime.
func (d *Driver) Close() error {
	d.mu.Lock()
	ctrs := d.ctrs
	d.ctrs = map[string]*ctr{}
	d.mu.Unlock()
	var errs []error
	for _, c := range ctrs {
		errs = append(errs, c.sb.Close())
	}
	errs = append(errs, d.rt.Close(context.Background()))
	return errors.Join(errs...)
}

// containerDir is where the driver keeps files about container id ("" when
// it has no data directory).
func (d *Driver) containerDir(id string) string {
	if d.opts.DataDir == "" {
		return ""
	}
	return filepath.Join(d.opts.DataDir, "memory", "containers", id)
}

// get returns container id. After a daemon restart, a container created by
// the previous daemon is set up again from the spec Create saved.
func (d *Driver) get(ctx context.Context, id string) (*ctr, error) {
	d.mu.Lock()
	c, ok := d.ctrs[id]
	d.mu.Unlock()
	if ok {
		return c, nil
	}
	notFound := errdefs.ErrNotFound.WithMessage("No such container: " + id)
	dir := d.containerDir(id)
	if dir == "" {
		return nil, notFound
	}
	b, err := os.ReadFile(filepath.Join(dir, "spec.json"))
	if err != nil {
		return nil, notFound
	}
	var spec driver.Spec
	if err := json.Unmarshal(b, &spec); err != nil || spec.ID != id {
		return nil, notFound
	}
	if err := d.Create(ctx, spec); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok = d.ctrs[id]; !ok {
		return nil, notFound
	}
	return c, nil
}
