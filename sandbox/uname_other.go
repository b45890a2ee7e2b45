//go:build !linux

package sandbox

import (
	"runtime"
	"strconv"
)

// hostEnv reports the host's CPUs to the applets.
func hostEnv() []string {
	return []string{"SOCKERLESS_NPROC=" + strconv.Itoa(runtime.NumCPU())}
}
