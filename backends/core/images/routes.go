// Package images serves the /images endpoints of the Docker Engine API
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Image)
// from an [imagestore.Store]: import, pull, load, save, list, inspect,
// history, tag, remove, prune and push. Paths are unversioned; the server
// mounts them behind httpx.StripVersion.
//
// Bodies, streams and messages follow dockerd 28 (graphdriver store) and
// were compared with dockerd 20.10: same image IDs, sizes, digests and
// progress lines for import, pull, load and save.
//
// # Differences from dockerd
//
//   - Pulls report no "Extracting" progress: layers are kept as pulled and
//     unpacked per container ([imagestore.Store.Unpack]).
//   - A malformed import tar is a 400, not dockerd's 500.
//   - GraphDriver is {"Name": "sockerless", "Data": {}}.
//   - Push sends layers as stored: imported layers go uncompressed
//     (dockerd gzips them).
//   - pull --all-tags and image search answer 501.
//   - go-containerregistry reaches RFC 1918 registries over plain HTTP
//     without an insecure-registries entry; dockerd wants https.
package images

import (
	"github.com/containerd/errdefs"
	"net/http"
	"strings"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Register adds the /images endpoints of the Docker Engine API to mux.
func Register(mux *http.ServeMux, s *imagestore.Store) {
	register(mux, s)
}

// register is Register for any [Backend].
func register(mux *http.ServeMux, b Backend) {
	h := handlers{s: b, client: &http.Client{}}
	mux.Handle("POST /images/create", httpx.API(h.create))
	mux.Handle("POST /images/load", httpx.API(h.load))
	mux.Handle("POST /images/prune", httpx.API(h.prune))
	mux.Handle("GET /images/json", httpx.API(h.list))
	mux.Handle("GET /images/get", httpx.API(h.saveMany))
	mux.Handle("GET /images/search", httpx.API(h.search))
	// Image names contain slashes: one pattern per method, dispatched on
	// the last path element (STYLE.md section 2).
	mux.Handle("GET /images/{ref...}", httpx.API(h.getByName))
	mux.Handle("POST /images/{ref...}", httpx.API(h.postByName))
	mux.Handle("DELETE /images/{ref...}", httpx.API(h.remove))
}

type handlers struct {
	s      Backend
	client *http.Client // downloads import sources
}

// search is GET /images/search, which needs Docker Hub's search API.
func (h handlers) search(w http.ResponseWriter, r *http.Request) error {
	return errdefs.ErrNotImplemented.WithMessage("image search is not supported by sockerless")
}

func (h handlers) getByName(w http.ResponseWriter, r *http.Request) error {
	ref := r.PathValue("ref")
	if name, ok := strings.CutSuffix(ref, "/json"); ok {
		return h.inspect(w, r, name)
	}
	if name, ok := strings.CutSuffix(ref, "/history"); ok {
		return h.history(w, r, name)
	}
	if name, ok := strings.CutSuffix(ref, "/get"); ok {
		return h.save(w, r, []string{name})
	}
	httpx.NotFound(w, r)
	return nil
}

func (h handlers) postByName(w http.ResponseWriter, r *http.Request) error {
	ref := r.PathValue("ref")
	if name, ok := strings.CutSuffix(ref, "/tag"); ok {
		return h.tag(w, r, name)
	}
	if name, ok := strings.CutSuffix(ref, "/push"); ok {
		return h.push(w, r, name)
	}
	httpx.NotFound(w, r)
	return nil
}

// boolValue is dockerd's BoolValue: anything but "", "0", "no", "false"
// and "none" is true.
func boolValue(r *http.Request, key string) bool {
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// boolValueOrDefault is boolValue, def when the parameter is absent.
func boolValueOrDefault(r *http.Request, key string, def bool) bool {
	if _, ok := r.URL.Query()[key]; !ok {
		return def
	}
	return boolValue(r, key)
}

// apiAtLeast reports whether the request's API version is at least v.
func apiAtLeast(r *http.Request, v string) bool {
	return httpx.CompareVersions(httpx.APIVersion(r.Context()), v) >= 0
}
