// Command sockerless-backend-memory is the memory backend daemon: the
// Sockerless core serving the Docker Engine API at unversioned paths, with
// containers run in-process by the WASM sandbox.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/daemon"
	"github.com/sockerless/sockerless/backends/memory/memdriver"
)

func main() {
	// The backend's heap is mostly small, long-lived records; collecting
	// at +50% instead of +100% keeps its RSS with a thousand exited
	// containers under 100 MB for a GC cost of a few ms. GOGC overrides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sockerless-backend-memory:", err)
		os.Exit(1)
	}
}

// run serves the memory backend until ctx is done. SOCKERLESS_SANDBOX_CACHE
// names a directory for the compiled toolbox shared by several daemons
// (default: the data directory's wazero-cache).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cacheDir := getenv("SOCKERLESS_SANDBOX_CACHE")
	return daemon.Run(ctx, args, getenv, stderr, func(ctx context.Context, cfg daemon.Config) (driver.Driver, io.Closer, error) {
		return newDriver(ctx, cfg, cacheDir)
	})
}

// newDriver builds the sandbox driver in the daemon's data directory.
func newDriver(ctx context.Context, cfg daemon.Config, cacheDir string) (driver.Driver, io.Closer, error) {
	start := time.Now()
	d, err := memdriver.New(ctx, memdriver.Options{DataDir: cfg.DataDir, CacheDir: cacheDir})
	if err != nil {
		return driver.Driver{}, nil, err
	}
	// Compiling the toolbox leaves hundreds of MB of garbage; hand it
	// back now rather than when the heap next grows that far.
	debug.FreeOSMemory()
	cfg.Logger.Info().Str("backend", memdriver.Name).Dur("duration", time.Since(start)).Msg("sandbox ready")
	return d.Driver(), d, nil
}
