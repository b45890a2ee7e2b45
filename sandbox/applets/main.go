// Command applets is the sandbox's toolbox: one WASI module (GOOS=wasip1)
// holding busybox-class applets, dispatched busybox-style on the name it was
// started as (argv[0]) or on its first argument ("busybox ls -l",
// "toolbox ls -l"). "toolbox --list" prints the applet names.
//
// The sandbox runtime instantiates the module once per command with WASI:
// argv, the environment (the working directory in $PWD, see
// internal/applet), the container root preopened as "/" and stdio as pipes.
// The applets themselves live in internal packages as plain functions of an
// applet.Env, so they are tested on the host.
//
// # Adding an applet
//
// Write it as a func(*applet.Env) int in the internal package of its kind,
// add it with its usage text to table() in table.go, then run `make toolbox`
// and `go generate ./sandbox/toolbox` (which rewrites toolbox/names.go; its
// TestNames fails while the list and the module disagree). Add oracle cases
// in sandbox/oracle when busybox-static has the applet.
package main

import (
	"bufio"
	"os"
)

func main() {
	out := bufio.NewWriterSize(os.Stdout, 32<<10)
	code := run(os.Args, os.Environ(), stdinFor(out), out, os.Stderr)
	out.Flush()
	os.Exit(code)
}
