package fileutils

import (
	"fmt"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Df would report file system usage: df [-PkmhT] [FILESYSTEM]...
// WASI has no statfs, so it prints busybox's header and fails rather than
// invent numbers.
func Df(e *applet.Env) int {
	o, _, err := e.Getopt("PkmhTaiB:t:")
	if err != nil {
		return 1
	}
	unit := "1K-blocks"
	switch {
	case o.Has("h"):
		unit = "Size"
	case o.Has("m"):
		unit = "1M-blocks"
	}
	fmt.Fprintf(e.Stdout, "Filesystem           %9s      Used Available Use%% Mounted on\n", unit)
	return e.Fail("file system statistics are not available in the sandbox (WASI has no statfs)")
}
