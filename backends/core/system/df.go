package system

import (
	"net/http"
	"slices"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/api/httpx"
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

// df answers GET /system/df (SystemDataUsage). There are no volumes and no
// build cache yet, so those lists are truthfully empty.
func (h handlers) df(w http.ResponseWriter, r *http.Request) error {
	types := r.URL.Query()["type"]
	want := func(t string) bool { return len(types) == 0 || slices.Contains(types, t) }
	du := diskUsage{}
	if want("image") && h.o.Images != nil {
		du.Images = h.o.Images.Summaries(r.Context())
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
		du.Volumes = []volume.Volume{}
	}
	if want("build-cache") {
		du.BuildCache = []build.CacheRecord{}
	}
	return httpx.WriteJSON(w, http.StatusOK, du)
}
