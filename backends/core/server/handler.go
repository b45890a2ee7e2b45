package server

import (
	"context"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	registrytypes "github.com/moby/moby/api/types/registry"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/build"
	"github.com/sockerless/sockerless/backends/core/containers"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/execs"
	"github.com/sockerless/sockerless/backends/core/images"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/pods"
	"github.com/sockerless/sockerless/backends/core/streams"
	"github.com/sockerless/sockerless/backends/core/system"
	"github.com/sockerless/sockerless/backends/core/volumes"
)

// HandlerOptions are the parts [NewHandler] serves.
type HandlerOptions struct {
	Engine *engine.Engine
	// Images may be nil in tests that need no image routes.
	Images   *imagestore.Store
	Networks *networks.Manager
	// Volumes may be nil in tests that need no volume routes.
	Volumes *volumes.Manager
	Events  *events.Bus
	// Pods may be nil in tests that need no libpod routes.
	Pods    *pods.Manager
	Tracker *streams.Tracker
	Token   string
	Logger  zerolog.Logger
	DataDir string
	ID      string
	// Registry is /info's RegistryConfig; nil reports no mirrors and
	// loopback as the only insecure registries.
	Registry *registrytypes.ServiceConfig
}

// NewHandler registers every resource of the internal API in one place,
// behind the token check, with request IDs, access logs and a recover
// that turns a panic into a 500.
func NewHandler(o HandlerOptions) http.Handler {
	mux := http.NewServeMux()
	containers.Register(mux, o.Engine, o.Tracker)
	execs.Register(mux, o.Engine, o.Tracker)
	networks.Register(mux, o.Networks, o.Engine)
	var imgs system.Images
	if o.Images != nil {
		images.Register(mux, o.Images)
		build.Register(mux, build.New(o.Engine, o.Images, ""))
		imgs = imageSummaries{o.Images, o.Engine}
	}
	drv := o.Engine.Driver()
	system.Register(mux, system.Options{Backend: drv.Name, Version: Version, GitCommit: GitCommit, DataDir: o.DataDir,
		ID: o.ID, Capabilities: drv.Capabilities, Containers: o.Engine, Images: imgs, Volumes: dfVolumes(o.Volumes),
		Events: o.Events, Registry: o.Registry})
	registerVolumes(mux, o, drv.Name)
	if o.Pods != nil {
		pods.Register(mux, o.Pods)
	}
	mux.HandleFunc("/", httpx.NotFound)

	// The frontend strips /vX.Y; accepting it here too lets a Docker client
	// that has the token talk to a backend directly (debugging, tests).
	var h http.Handler = backendapi.RequireToken(o.Token, backendapi.APIVersionFromHeader(httpx.StripVersion(mux)))
	h = recoverer(h)
	h = accessLog(h)
	h = hlog.RequestIDHandler("req_id", "X-Request-Id")(h)
	return hlog.NewHandler(o.Logger)(h)
}

// recoverer answers 500 for a handler that panics, logging the stack.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			zerolog.Ctx(r.Context()).Error().Interface("panic", v).Bytes("stack", debug.Stack()).
				Str("method", r.Method).Str("path", r.URL.Path).Msg("handler panicked")
			httpx.WriteError(w, r, errdefs.ErrInternal.WithMessage("internal server error"))
		}()
		next.ServeHTTP(w, r)
	})
}

// accessLog logs each request at debug level.
func accessLog(next http.Handler) http.Handler {
	return hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		hlog.FromRequest(r).Debug().Str("method", r.Method).Str("path", r.URL.Path).Int("status", status).
			Int("size", size).Dur("duration", d).Msg("request")
	})(next)
}

// imageSummaries lists the store's images for /info and /system/df.
type imageSummaries struct {
	s *imagestore.Store
	e *engine.Engine
}

// dfVolumes is o.Volumes for /system/df, nil (no volumes) when unset.
func dfVolumes(v *volumes.Manager) system.Volumes {
	if v == nil {
		return nil
	}
	return v
}

func (i imageSummaries) Summaries(ctx context.Context) []image.Summary {
	var out []image.Summary
	for _, img := range i.s.List(ctx) {
		out = append(out, image.Summary{ID: img.ID, RepoTags: img.RepoTags, RepoDigests: img.RepoDigests,
			Created: img.Created.Unix(), Size: img.Size, SharedSize: -1, Labels: img.Config.Config.Labels,
			Containers: int64(len(i.e.UsedBy(img.ID)))})
	}
	return out
}

// DiskUsage lists the images with SharedSize as dockerd's /system/df
// computes it: the unpacked size of the layers (by chain, the layer and
// every one below it) that another image also has.
func (i imageSummaries) DiskUsage(ctx context.Context) []image.Summary {
	imgs := i.s.List(ctx)
	refs := map[string]int{}
	chains := make([][]string, len(imgs))
	for n, img := range imgs {
		chain := ""
		for _, l := range img.Layers {
			chain += l.DiffID + "/"
			chains[n] = append(chains[n], chain)
			refs[chain]++
		}
	}
	out := i.Summaries(ctx)
	for n, img := range imgs {
		var shared int64
		for k, l := range img.Layers {
			if refs[chains[n][k]] > 1 {
				shared += l.Unpacked
			}
		}
		for j := range out {
			if out[j].ID == img.ID {
				out[j].SharedSize = shared
			}
		}
	}
	return out
}
