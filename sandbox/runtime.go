package sandbox

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Toolbox is the WASI module of applets a [Runtime] runs, as provided by
// package github.com/sockerless/sockerless/sandbox/toolbox.
type Toolbox interface {
	// Module returns the multi-call wasip1 module, dispatching on argv[0].
	Module() []byte
	// Has reports whether name is an applet of the module.
	Has(name string) bool
	// Names returns the applet names.
	Names() []string
}

// Options configure a [Runtime].
type Options struct {
	// CacheDir keeps wazero's compiled code so that a restarted daemon does
	// not compile the toolbox again. Empty means an in-memory cache.
	CacheDir string
	// Toolbox overrides the embedded toolbox (tests).
	Toolbox Toolbox
}

// Runtime compiles the toolbox once and runs its applets for any number of
// containers. It is safe for concurrent use.
type Runtime struct {
	tb       Toolbox
	cache    wazero.CompilationCache
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	memory   memoryPool
	// umask is the daemon's file mode creation mask, the processes' default.
	umask uint32
	// epoch is the origin of the applets' monotonic clock.
	epoch time.Time
	// hostEnv is added to every applet's environment (see hostEnv).
	hostEnv []string
	// image is the toolbox's initial memory when its data segments were
	// moved out of the module (see stripData); nil otherwise.
	image []byte
}

// New compiles the toolbox (or loads it from the cache in opts.CacheDir).
func New(ctx context.Context, opts Options) (*Runtime, error) {
	tb := opts.Toolbox
	if tb == nil {
		tb = defaultToolbox()
	}
	cache := wazero.NewCompilationCache()
	if opts.CacheDir != "" {
		var err error
		if cache, err = wazero.NewCompilationCacheWithDir(opts.CacheDir); err != nil {
			return nil, fmt.Errorf("sandbox: compilation cache: %w", err)
		}
	}
	// No WithCloseOnContextDone: see Process.exitIfKilled.
	cfg := wazero.NewRuntimeConfig().WithCompilationCache(cache)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sandbox: wasi: %w", err)
	}
	mod, image, err := stripData(tb.Module())
	if err != nil {
		mod, image = tb.Module(), nil
	}
	// Compiling takes seconds (the first time only: then the cache has it).
	compiled, err := rt.CompileModule(experimental.WithCompilationWorkers(ctx, runtime.GOMAXPROCS(0)), mod)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sandbox: compile toolbox: %w", err)
	}
	return &Runtime{tb: tb, cache: cache, rt: rt, compiled: compiled, image: image, hostEnv: hostEnv(), epoch: time.Now(), umask: hostUmask()}, nil
}

// Close releases the compiled toolbox. Containers must be closed first.
func (r *Runtime) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	r.memory.close()
	if cerr := r.cache.Close(ctx); err == nil {
		err = cerr
	}
	return err
}

// Applets returns the names of the toolbox's applets.
func (r *Runtime) Applets() []string { return r.tb.Names() }
