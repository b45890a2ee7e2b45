// Package server assembles the backend core: it opens the stores under the
// data directory, builds the container engine around a driver and serves
// every resource of the internal API (the Docker Engine API at unversioned
// paths, https://docs.docker.com/reference/api/engine/version/v1.51/, plus
// [backendapi.InfoPath]) from one handler.
package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/pods"
	"github.com/sockerless/sockerless/backends/core/registry"
	"github.com/sockerless/sockerless/backends/core/store"
	"github.com/sockerless/sockerless/backends/core/streams"
	"github.com/sockerless/sockerless/backends/core/volumes"
)

// Version is the backend core's version, reported by /info and
// /internal/v1/info. Release builds set it with -ldflags -X.
var Version = "0.1.0-dev"

// GitCommit is the commit the backend was built from, set with -ldflags -X.
var GitCommit = ""

// Options configure [Open].
type Options struct {
	DataDir string
	Driver  driver.Driver
	Token   string
	Logger  zerolog.Logger
	// Mirrors are Docker Hub mirrors (--registry-mirror).
	Mirrors []string
	// InsecureRegistries are registries reached over plain HTTP
	// (--insecure-registry); loopback always is.
	InsecureRegistries []string
}

// Core is an opened backend core.
type Core struct {
	Engine   *engine.Engine
	Images   *imagestore.Store
	Networks *networks.Manager
	Volumes  *volumes.Manager
	Events   *events.Bus
	// Pods are the libpod pods: named groups of containers sharing the
	// network namespace of an infra container.
	Pods     *pods.Manager
	tracker  *streams.Tracker
	handler  http.Handler
	close    sync.Once
	closeErr error
}

// Open opens the stores under opts.DataDir (state/ for records,
// containers/ for root file systems and logs, images/ for the image
// store) and builds the core. Containers that were running when the
// daemon last died are recovered here.
func Open(ctx context.Context, opts Options) (*Core, error) {
	if opts.Token == "" {
		return nil, errors.New("server: empty token")
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := store.Open(filepath.Join(opts.DataDir, "state"))
	if err != nil {
		return nil, err
	}
	id, err := daemonID(opts.DataDir)
	if err != nil {
		return nil, err
	}
	bus := events.New()
	nets, err := networks.Open(ctx, st, opts.Driver.Name)
	if err != nil {
		return nil, err
	}
	nets.SetEvents(bus)
	if nr, ok := opts.Driver.Extra.(driver.NetworkRemover); ok {
		nets.SetRemover(nr.RemoveNetwork)
	}
	volOpts := volumes.Options{Dir: filepath.Join(opts.DataDir, "volumes"), Store: st,
		Backend: opts.Driver.Name, Events: bus}
	if vr, ok := opts.Driver.Extra.(driver.VolumeRemover); ok {
		volOpts.Remove = vr.RemoveVolume
	}
	vols, err := volumes.Open(ctx, volOpts)
	if err != nil {
		return nil, err
	}
	var eng *engine.Engine
	images, err := imagestore.Open(ctx, filepath.Join(opts.DataDir, "images"), imagestore.Options{
		UsedBy:  func(imageID string) []string { return eng.UsedBy(imageID) },
		Running: func(id string) bool { return eng.IsRunning(id) },
		Events:  bus,
		Mirrors: opts.Mirrors, Insecure: opts.InsecureRegistries,
	})
	if err != nil {
		return nil, err
	}
	eng, err = engine.Open(ctx, engine.Options{Dir: filepath.Join(opts.DataDir, "containers"), Store: st,
		Driver: opts.Driver, Images: images, Networks: nets, Volumes: vols, Events: bus, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	nets.SetLive(eng.EndpointLive)
	pm, err := pods.Open(st, eng, opts.Driver.Name)
	if err != nil {
		return nil, err
	}
	c := &Core{Engine: eng, Images: images, Networks: nets, Volumes: vols, Events: bus, Pods: pm, tracker: streams.NewTracker()}
	c.handler = NewHandler(HandlerOptions{
		Engine: eng, Images: images, Networks: nets, Volumes: vols, Events: bus, Pods: pm, Tracker: c.tracker,
		Token: opts.Token, Logger: opts.Logger, DataDir: opts.DataDir, ID: id,
		Registry: registry.ServiceConfig(opts.Mirrors, opts.InsecureRegistries),
	})
	return c, nil
}

// Handler serves the internal API.
func (c *Core) Handler() http.Handler { return c.handler }

// CloseStreams ends every hijacked attach and exec stream; register it
// with http.Server.RegisterOnShutdown.
func (c *Core) CloseStreams() { c.tracker.CloseAll() }

// Close stops the running containers, as dockerd does at shutdown, and
// the event bus. Concurrent calls wait for the first to finish.
func (c *Core) Close() error {
	c.close.Do(func() {
		c.closeErr = c.Engine.Close()
		c.Events.Close()
	})
	return c.closeErr
}

// daemonID returns the daemon's persistent ID, creating it on first start.
func daemonID(dir string) (string, error) {
	p := filepath.Join(dir, "engine-id")
	if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
		return string(b), nil
	}
	id := networks.NewID()
	if err := store.WriteFileAtomic(p, []byte(id), 0o600); err != nil {
		return "", err
	}
	return id, nil
}
