package docker

import (
	"net/http"
	"strings"

	"github.com/sockerless/sockerless/api/httpx"
)

// libpodPrefix serves podman's API paths: podman clients put their own
// version before /libpod ("/v4.3.1/libpod/pods/json"), which is not a
// Docker API version, so it is removed here rather than checked by
// [httpx.StripVersion]. The backend serves /libpod routes unversioned.
// podman pings /libpod/_ping, answered as Docker's /_ping. No
// Libpod-API-Version header is sent: Sockerless serves only part of
// libpod (the pods), and the podman client accepts a server without it.
func libpodPrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if _, rest, ok := httpx.SplitVersion(p); ok && strings.HasPrefix(rest, "/libpod/") {
			p = rest
		}
		if p == "/libpod/_ping" {
			p = "/_ping"
		}
		if p != r.URL.Path {
			r.URL.Path, r.URL.RawPath = p, ""
		}
		next.ServeHTTP(w, r)
	})
}
