package system

import (
	"github.com/containerd/errdefs"
	"net/http"
	"slices"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// diskUsage is the body of GET /system/df for API 1.51 and earlier. The
// moby api module only declares the 1.52 shape; this one is what the
// client decodes for older versions (legacyDiskUsage in moby/client).
type diskUsage struct {
	LayersSize int64
	Images     []image.Summary
	Containers []container.Summary
	Volumes    []volume.Volume
	BuildCache []build.CacheRecord
}

// df answers GET /system/df (SystemDataUsage): images with their shared
// and unique sizes, containers with their sizes, volumes with their
// reference counts and sizes. The build cache is always empty: the
// builder is dockerd's classic one, whose cache is the images themselves
// (see [handlers.buildPrune]).
func (h handlers) df(w http.ResponseWriter, r *http.Request) error {
	types := r.URL.Query()["type"]
	want := func(t string) bool { return len(types) == 0 || slices.Contains(types, t) }
	du := diskUsage{}
	if want("image") && h.o.Images != nil {
		du.Images = h.o.Images.DiskUsage(r.Context())
		for _, img := range du.Images {
			du.LayersSize += img.Size
		}
		if du.Images == nil {
			du.Images = []image.Summary{}
		}
	}
	if want("container") {
		du.Containers = h.o.Containers.DiskUsage(r.Context())
	}
	if want("volume") {
		if h.o.Volumes != nil {
			du.Volumes = h.o.Volumes.Usage(r.Context())
		}
		if du.Volumes == nil {
			du.Volumes = []volume.Volume{}
		}
	}
	if want("build-cache") {
		du.BuildCache = []build.CacheRecord{}
	}
	return httpx.WriteJSON(w, http.StatusOK, du)
}

// buildPrune answers POST /build/prune (BuildPrune). The builder is
// dockerd's classic one: its cache is the intermediate images, which
// image prune removes, and there is no BuildKit cache to delete, which is
// also dockerd's answer when only the classic builder was used. The
// filters are still checked, as dockerd does.
func (h handlers) buildPrune(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	for name := range f {
		switch name {
		case "until", "id", "parent", "type", "description", "inuse", "shared", "private":
		default:
			// dockerd's words, from BuildKit's filter check.
			return errdefs.ErrInvalidArgument.WithMessage("failed to prune build cache: Invalid filter '" + name + "'")
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, build.CachePruneReport{})
}
