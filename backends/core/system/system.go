// Package system serves the system endpoints of the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/System):
// GET /info, GET /events, GET /system/df and POST /build/prune, plus the
// internal [backendapi.InfoPath] a frontend reads to describe the backend.
package system

import (
	"context"
	"net/http"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
)

// Containers is what the system handlers need of the container engine.
type Containers interface {
	Counts() engine.Counts
	DiskUsage(ctx context.Context) []container.Summary
}

// Images is what the system handlers need of the image store.
type Images interface {
	// Summaries lists the images as GET /images/json does.
	Summaries(ctx context.Context) []image.Summary
	// DiskUsage lists the images with SharedSize computed, as
	// /system/df reports them.
	DiskUsage(ctx context.Context) []image.Summary
}

// Volumes is what /system/df needs of the volume manager.
type Volumes interface {
	// Usage lists the volumes with their UsageData.
	Usage(ctx context.Context) []volume.Volume
}

// Options configure [Register].
type Options struct {
	// Backend is the backend's name ("memory").
	Backend   string
	Version   string
	GitCommit string
	DataDir   string
	// ID identifies this daemon across restarts.
	ID           string
	Capabilities driver.Capabilities
	Containers   Containers
	Images       Images
	// Volumes may be nil: /system/df then lists none.
	Volumes Volumes
	Events  *events.Bus
	// Registry is /info's RegistryConfig; nil reports dockerd's defaults.
	Registry *registry.ServiceConfig
}

// Register adds the system endpoints to mux.
func Register(mux *http.ServeMux, o Options) {
	h := handlers{o: o}
	mux.Handle("GET /info", httpx.API(h.info))
	mux.Handle("GET /events", httpx.API(h.events))
	mux.Handle("GET /system/df", httpx.API(h.df))
	mux.Handle("POST /build/prune", httpx.API(h.buildPrune))
	mux.Handle("GET "+backendapi.InfoPath, httpx.API(h.internalInfo))
}

type handlers struct{ o Options }

// internalInfo answers GET /internal/v1/info.
func (h handlers) internalInfo(w http.ResponseWriter, r *http.Request) error {
	host := readHost()
	return httpx.WriteJSON(w, http.StatusOK, backendapi.Info{
		Backend: h.o.Backend, Version: h.o.Version, GitCommit: h.o.GitCommit, OSType: "linux",
		Architecture: host.arch, KernelVersion: host.kernel, OperatingSystem: host.os, NCPU: host.ncpu,
		MemTotal: host.mem, DataDir: h.o.DataDir, Capabilities: h.o.Capabilities,
	})
}
