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
