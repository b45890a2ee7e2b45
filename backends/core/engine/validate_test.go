package engine

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// TestCreateValidation: bad HostConfig values get dockerd's 400 and text.
func TestCreateValidation(t *testing.T) {
	v := newEnv(t)
	n := runtime.NumCPU()
	pids := int64(-5)
	tests := []struct {
		hc   container.HostConfig
		want string
	}{
		{container.HostConfig{Resources: container.Resources{Memory: 5}}, "Minimum memory limit allowed is 6MB"},
		{container.HostConfig{Resources: container.Resources{Memory: 64 << 20, MemorySwap: 32 << 20}}, "Minimum memoryswap limit should be larger than memory limit, see usage"},
		{container.HostConfig{Resources: container.Resources{NanoCPUs: -1}}, fmt.Sprintf("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", n, n)},
		{container.HostConfig{Resources: container.Resources{NanoCPUs: 1e9, CPUPeriod: 5000}}, "Conflicting options: Nano CPUs and CPU Period cannot both be set"},
		{container.HostConfig{Resources: container.Resources{CPUPeriod: 10}}, "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)"},
		{container.HostConfig{Resources: container.Resources{PidsLimit: &pids}}, "invalid PIDs limit: -5"},
		{container.HostConfig{PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "abc"}}}}, `invalid port specification: "abc"`},
		{container.HostConfig{Binds: []string{"/a:rel"}}, `invalid volume specification: '/a:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`},
		{container.HostConfig{Mounts: []mount.Mount{{Type: "bogus", Target: "/x"}}}, `invalid mount config for type "bogus": mount type unknown`},
	}
	for _, tc := range tests {
		_, err := v.e.Create(t.Context(), CreateOptions{Config: &container.Config{Image: "busybox", Cmd: []string{"true"}}, HostConfig: &tc.hc})
		if err == nil || err.Error() != tc.want || !errdefs.IsInvalidArgument(err) {
			t.Errorf("%+v: %v; want 400 %q", tc.hc, err, tc.want)
		}
	}
	ok := container.HostConfig{Resources: container.Resources{Memory: 64 << 20, NanoCPUs: 5e8},
		PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080-8081"}, {HostPort: ""}}}}
	if _, err := v.e.Create(t.Context(), CreateOptions{Config: &container.Config{Image: "busybox", Cmd: []string{"true"}}, HostConfig: &ok}); err != nil {
		t.Errorf("valid limits refused: %v", err)
	}
}
