package system

import (
	"net/http"
	"runtime"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"

	"github.com/sockerless/sockerless/api/httpx"
)

// info answers GET /info (SystemInfo) with what is true of this backend:
// its counts, its storage ("sockerless-<backend>"), the host its
// containers run on.
func (h handlers) info(w http.ResponseWriter, r *http.Request) error {
	host := readHost()
	n := h.o.Containers.Counts()
	images := 0
	if h.o.Images != nil {
		images = len(h.o.Images.Summaries(r.Context()))
	}
	listeners := 0
	if h.o.Events != nil {
		listeners = h.o.Events.Subscribers()
	}
	info := system.Info{
		ID: h.o.ID, Containers: n.Total, ContainersRunning: n.Running, ContainersPaused: n.Paused,
		ContainersStopped: n.Stopped, Images: images, Driver: "sockerless-" + h.o.Backend,
		DriverStatus: [][2]string{{"Backend", h.o.Backend}, {"Root Dir", h.o.DataDir}},
		NFd:          openFDs(), NGoroutines: runtime.NumGoroutine(), SystemTime: time.Now().Format(time.RFC3339Nano),
		LoggingDriver: "json-file", CgroupDriver: "none", NEventsListener: listeners,
		KernelVersion: host.kernel, OperatingSystem: host.os, OSType: "linux", Architecture: host.arch,
		IndexServerAddress: "https://index.docker.io/v1/",
		RegistryConfig:     h.o.Registry,
		NCPU:               host.ncpu, MemTotal: host.mem, DockerRootDir: h.o.DataDir, Name: host.name, Labels: []string{},
		ServerVersion: h.o.Version, DefaultRuntime: h.o.Backend,
		Runtimes: map[string]system.RuntimeWithStatus{
			h.o.Backend: {Runtime: system.Runtime{Path: "sockerless-backend-" + h.o.Backend}}},
		Swarm: swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive}, SecurityOptions: []string{}, Warnings: []string{},
	}
	if info.RegistryConfig == nil {
		info.RegistryConfig = &registry.ServiceConfig{IndexConfigs: map[string]*registry.IndexInfo{}, Mirrors: []string{}}
	}
	return httpx.WriteJSON(w, http.StatusOK, info)
}
