package main

import (
	"os"
	"strings"
)

// expand replaces $VAR, ${VAR} and ${VAR:-default} in s with getenv's
// values, so that a platform that assigns the port the workload listens on
// (Cloud Run's PORT, the AWS simulator's SOCKERLESS_SIM_PORT_9111) can pass
// it without a shell: --listen ':${SOCKERLESS_SIM_PORT_9111:-9111}'.
func expand(s string, getenv func(string) string) string {
	return os.Expand(s, func(name string) string {
		name, def, hasDef := strings.Cut(name, ":-")
		if v := getenv(name); v != "" || !hasDef {
			return v
		}
		return def
	})
}
