package sandbox

import (
	"runtime"
	"strconv"
	"syscall"
)

// hostEnv is what the applets report about the host, as a container sees
// its host's kernel: uname's release, version and machine, and the CPUs.
func hostEnv() []string {
	env := []string{"SOCKERLESS_NPROC=" + strconv.Itoa(runtime.NumCPU())}
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return env
	}
	return append(env,
		"SOCKERLESS_UNAME_R="+utsString(u.Release[:]),
		"SOCKERLESS_UNAME_V="+utsString(u.Version[:]),
		"SOCKERLESS_UNAME_M="+utsString(u.Machine[:]))
}

// utsString converts a NUL-terminated utsname field.
func utsString[T int8 | uint8](b []T) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		out = append(out, byte(c))
	}
	return string(out)
}
