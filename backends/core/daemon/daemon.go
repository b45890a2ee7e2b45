// Package daemon runs a Sockerless backend daemon: it parses the command
// line, opens the data directory, builds the backend core around a driver
// and serves the internal API (the Docker Engine API at unversioned paths,
// see [backendapi]) until its context is done.
package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/unixsock"
	"github.com/sockerless/sockerless/backends/core/registry"
	"github.com/sockerless/sockerless/backends/core/server"
)

// Config is what a backend's driver constructor receives.
type Config struct {
	// DataDir is the backend's data directory (records, logs, root file systems).
	DataDir string
	// Logger is the daemon's logger.
	Logger zerolog.Logger
}

// NewDriver builds a backend's driver. The returned Closer, when not nil,
// is closed after the server has stopped.
type NewDriver func(ctx context.Context, cfg Config) (driver.Driver, io.Closer, error)

// grace bounds how long in-flight requests may drain at shutdown.
const grace = 10 * time.Second

// Run is the whole life of a backend daemon named after its driver. It
// parses args (--listen, repeatable: unix:///path or tcp://host:port,
// default unix://<data-dir>/backend.sock; --data-dir, default
// $HOME/.sockerless/<name>; --log-level; --registry-mirror and
// --insecure-registry, repeatable, as dockerd's), reads SOCKERLESS_TOKEN with getenv
// (refusing to start without it), opens the stores, serves until ctx is done
// and then shuts down gracefully.
func Run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, newDriver NewDriver) error {
	fs := flag.NewFlagSet("sockerless-backend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var listens listFlag
	fs.Var(&listens, "listen", "address to serve on: unix:///path or tcp://host:port (repeatable)")
	dataDir := fs.String("data-dir", "", "data directory (default $HOME/.sockerless/<backend>)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	var mirrors, insecure listFlag
	fs.Var(&mirrors, "registry-mirror", "Docker Hub mirror URL, tried before Docker Hub (repeatable)")
	fs.Var(&insecure, "insecure-registry", "registry host:port or CIDR reached over plain HTTP (repeatable; loopback always is)")
	debugAddr := fs.String("debug-addr", "", "serve Go's pprof profiles on this loopback `host:port` (off by default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	reg, err := registryFlags(mirrors, insecure)
	if err != nil {
		return err
	}
	token := getenv(backendapi.TokenEnv)
	if token == "" {
		return fmt.Errorf("%s is not set: the backend refuses to serve without a token", backendapi.TokenEnv)
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := zerolog.New(stderr).Level(lvl).With().Timestamp().Str("daemon", "backend").Logger()
	ctx = log.WithContext(ctx)

	if *dataDir == "" {
		home := getenv("HOME")
		if home == "" {
			return errors.New("--data-dir is not set and neither is HOME")
		}
		*dataDir = filepath.Join(home, ".sockerless", backendName())
	}
	drv, closer, err := newDriver(ctx, Config{DataDir: *dataDir, Logger: log})
	if err != nil {
		return fmt.Errorf("start driver: %w", err)
	}
	if closer != nil {
		defer closer.Close()
	}
	if len(listens) == 0 {
		listens = listFlag{"unix://" + filepath.Join(*dataDir, "backend.sock")}
	}
	core, err := server.Open(ctx, server.Options{DataDir: *dataDir, Driver: drv, Token: token, Logger: log,
		Mirrors: reg.mirrors, InsecureRegistries: reg.insecure})
	if err != nil {
		return err
	}
	defer core.Close()

	lns := make([]net.Listener, 0, len(listens))
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for _, addr := range listens {
		ln, err := listen(ctx, addr)
		if err != nil {
			return err
		}
		lns = append(lns, ln)
	}
	srv := &http.Server{
		Handler:           core.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(core.CloseStreams)
	if *debugAddr != "" {
		_, stop, err := servePprof(*debugAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	log.Info().Str("backend", drv.Name).Str("data_dir", *dataDir).Strs("listen", listens).Msg("backend serving")
	return serve(ctx, srv, lns, func() { core.Close() }, log)
}

// serve runs srv on every listener until ctx is done or one fails. At
// shutdown, drain runs alongside http.Server.Shutdown: it stops the
// containers and the event bus, which ends the long requests (waits,
// followed logs, event streams) that Shutdown would otherwise wait for.
func serve(ctx context.Context, srv *http.Server, lns []net.Listener, drain func(), log zerolog.Logger) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, ln := range lns {
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
		defer cancel()
		go drain()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn().Err(err).Msg("requests still running at the end of the grace period were cut")
			srv.Close()
		}
		return nil
	})
	return g.Wait()
}

// listen opens a unix:// or tcp:// address. A stale unix socket file is
// replaced; one another backend still answers on is refused.
func listen(ctx context.Context, addr string) (net.Listener, error) {
	switch {
	case strings.HasPrefix(addr, "unix://"):
		p := strings.TrimPrefix(addr, "unix://")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		ln, err := unixsock.Listen(ctx, p, 0o600)
		if err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		return ln, nil
	case strings.HasPrefix(addr, "tcp://"):
		ln, err := net.Listen("tcp", strings.TrimPrefix(addr, "tcp://"))
		if err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		return ln, nil
	}
	return nil, fmt.Errorf("listen %q: want unix:///path or tcp://host:port", addr)
}

// backendName names the default data directory before the driver exists:
// the executable "sockerless-backend-memory" is the backend "memory".
func backendName() string {
	exe, err := os.Executable()
	if err != nil {
		return "backend"
	}
	name := strings.TrimPrefix(filepath.Base(exe), "sockerless-backend-")
	if name == "" {
		return "backend"
	}
	return name
}

// registryConfig are the registry flags, validated as dockerd validates
// its registry-mirrors and insecure-registries.
type registryConfig struct{ mirrors, insecure []string }

func registryFlags(mirrors, insecure []string) (registryConfig, error) {
	var rc registryConfig
	for _, m := range mirrors {
		v, err := registry.ValidateMirror(m)
		if err != nil {
			return rc, fmt.Errorf("--registry-mirror: %w", err)
		}
		rc.mirrors = append(rc.mirrors, v)
	}
	for _, i := range insecure {
		v, err := registry.ValidateInsecure(i)
		if err != nil {
			return rc, fmt.Errorf("--insecure-registry: %w", err)
		}
		rc.insecure = append(rc.insecure, v)
	}
	return rc, nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
