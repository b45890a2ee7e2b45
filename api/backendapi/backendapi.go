// Package backendapi is the internal API between a Sockerless frontend and a
// backend daemon.
//
// A backend daemon serves the Docker Engine API resources (containers, exec,
// images, networks, volumes, events, system) at their unversioned paths,
// with the request and response bodies of the Docker Engine API v1.51
// (github.com/moby/moby/api types), plus the routes under [InternalPrefix].
// The frontend owns everything that is about the client: API version
// prefixes, /_ping, /version, listeners and TLS. Every request to a backend
// must carry the shared token in [TokenHeader]; requests without it are
// rejected with 401 before any route runs.
package backendapi

import (
	"crypto/subtle"
	"net/http"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
)

// TokenHeader carries the shared secret (SOCKERLESS_TOKEN) on every request
// from a frontend to a backend.
const TokenHeader = "X-Sockerless-Token"

// TokenEnv is the environment variable both daemons read the token from.
const TokenEnv = "SOCKERLESS_TOKEN"

// InternalPrefix prefixes the routes that are not Docker's.
const InternalPrefix = "/internal/v1"

// InfoPath answers [Info].
const InfoPath = InternalPrefix + "/info"

// Info describes a backend daemon to a frontend, for /version and /info.
type Info struct {
	// Backend is the backend's name ("memory", "ecs", ...).
	Backend string `json:"backend"`
	// Version is the backend daemon's build version.
	Version string `json:"version"`
	// GitCommit is the backend daemon's build commit.
	GitCommit string `json:"gitCommit"`
	// OSType and Architecture are those of the containers it runs.
	OSType       string `json:"osType"`
	Architecture string `json:"architecture"`
	// KernelVersion, OperatingSystem describe where containers run.
	KernelVersion   string              `json:"kernelVersion"`
	OperatingSystem string              `json:"operatingSystem"`
	NCPU            int                 `json:"ncpu"`
	MemTotal        int64               `json:"memTotal"`
	DataDir         string              `json:"dataDir"`
	Capabilities    driver.Capabilities `json:"capabilities"`
}

// RequireToken rejects requests whose [TokenHeader] is not token, comparing
// in constant time. An empty token is refused at start-up by the daemons,
// never accepted here.
func RequireToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(TokenHeader))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			httpx.WriteError(w, r, errdefs.ErrUnauthenticated.WithMessage("sockerless backend: missing or wrong token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// APIVersionHeader carries the client's Docker API version from a
// frontend, which strips the /vX.Y prefix, to the backend, whose answers
// depend on it (fields added or dropped between API versions).
const APIVersionHeader = "X-Sockerless-API-Version"

// APIVersionFromHeader stores the version in [APIVersionHeader] in the
// request's context, rejecting one outside what we speak with Docker's
// 400. Without the header the request is at the newest version, unless a
// /vX.Y prefix (handled by [httpx.StripVersion] after this) says otherwise.
func APIVersionFromHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(APIVersionHeader); v != "" {
			if err := httpx.CheckVersion(v); err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			r = r.WithContext(httpx.WithAPIVersion(r.Context(), v))
		}
		next.ServeHTTP(w, r)
	})
}
