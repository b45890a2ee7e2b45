// Package toolbox embeds the sandbox's busybox-class applets: one WASI
// (wasip1) module, built from sandbox/applets by `make toolbox`, that
// dispatches on argv[0] ("ls", "grep") or on its first argument
// ("toolbox ls"), as busybox does.
//
// The runtime runs an applet as a fresh instance of [Module] with argv, the
// environment (the working directory in $PWD: WASI has no chdir and Go's
// wasip1 os package resolves relative paths against $PWD), the container
// root preopened as "/" and stdio as pipes. The applets exit through
// proc_exit; the runtime stops one by closing its module.
//
// Commands that start other commands cannot be applets, because WASI cannot
// spawn processes; [NeedsHost] tells the runtime which command lines it must
// run itself (see sandbox/KNOWN_DIFFERENCES.md for the split).
package toolbox

import (
	_ "embed"
	"slices"
)

//go:generate go test -run TestNames -update .

//go:embed toolbox.wasm
var module []byte

// Module returns the compiled toolbox WASI module. Callers must not modify it.
func Module() []byte { return module }

// Has reports whether name is an applet of the toolbox.
func Has(name string) bool {
	_, ok := slices.BinarySearch(names, name)
	return ok
}

// Names returns the sorted applet names.
func Names() []string { return slices.Clone(names) }
