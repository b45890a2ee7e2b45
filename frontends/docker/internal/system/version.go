package system

import (
	"net/http"
	"runtime"
	"strconv"

	"github.com/moby/moby/api/types/system"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
)

// Platform is the product name /version reports.
const Platform = "Sockerless"

// version answers GET /version: the frontend is the "Engine" component
// (the docker CLI prints its details), the backend daemon a second one.
// When the backend cannot be reached, its component is left out rather
// than invented, and the answer is still given, as dockerd's /version
// does not depend on containerd being up.
func (h handlers) version(w http.ResponseWriter, r *http.Request) error {
	info, err := h.b.Info(r.Context())
	if err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("backend info unavailable for version")
	}
	return httpx.WriteJSON(w, http.StatusOK, Version(h.build, info, err == nil))
}

// Version builds the /version body from the frontend build and, when
// haveBackend, the backend's info.
func Version(b Build, info backendapi.Info, haveBackend bool) system.VersionResponse {
	v := system.VersionResponse{
		Platform:      system.PlatformInfo{Name: Platform},
		Version:       b.Version,
		APIVersion:    httpx.MaxAPIVersion,
		MinAPIVersion: httpx.MinAPIVersion,
		Os:            runtime.GOOS,
		Arch:          runtime.GOARCH,
		GitCommit:     b.Commit,
		GoVersion:     runtime.Version(),
		BuildTime:     b.Date,
	}
	engine := system.ComponentVersion{
		Name:    "Engine",
		Version: b.Version,
		Details: map[string]string{
			"ApiVersion":    httpx.MaxAPIVersion,
			"MinAPIVersion": httpx.MinAPIVersion,
			"GitCommit":     b.Commit,
			"GoVersion":     runtime.Version(),
			"Os":            runtime.GOOS,
			"Arch":          runtime.GOARCH,
			"BuildTime":     b.Date,
			"Experimental":  strconv.FormatBool(false),
		},
	}
	v.Components = append(v.Components, engine)
	if !haveBackend {
		return v
	}
	// The kernel is where containers run, which is what clients ask
	// dockerd's KernelVersion for.
	v.KernelVersion = info.KernelVersion
	engine.Details["KernelVersion"] = info.KernelVersion
	// Like dockerd's containerd and runc components: a name, a version
	// and the commit; the backend's platform is in /info.
	v.Components = append(v.Components, system.ComponentVersion{
		Name:    "sockerless-backend-" + info.Backend,
		Version: info.Version,
		Details: map[string]string{"GitCommit": info.GitCommit},
	})
	return v
}
