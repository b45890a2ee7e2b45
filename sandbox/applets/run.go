package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// stdinFor wraps standard input so reading it flushes buffered output.
func stdinFor(out *bufio.Writer) io.Reader {
	return applet.FlushingReader(os.Stdin, out)
}

// run dispatches args to an applet and returns its exit status.
func run(args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"toolbox"}
	}
	name := path.Base(args[0])
	if name == "busybox" || name == "toolbox" || strings.HasSuffix(name, ".wasm") {
		args = args[1:]
		if len(args) == 0 || args[0] == "--help" {
			fmt.Fprintln(stderr, "Usage: toolbox APPLET [ARGS]...  (toolbox --list lists the applets)")
			return 1
		}
		if args[0] == "--list" {
			for _, n := range names() {
				fmt.Fprintln(stdout, n)
			}
			return 0
		}
		name = path.Base(args[0])
	}
	a, ok := table()[name]
	if !ok {
		fmt.Fprintf(stderr, "%s: applet not found\n", name)
		return 127
	}
	if len(args) == 2 && args[1] == "--help" {
		// busybox prints "APPLET --help" usage on stdout and exits 0.
		fmt.Fprintf(stdout, "Usage: %s %s\n", name, a.usage)
		return 0
	}
	env, sys := applet.SplitEnviron(environ)
	return a.fn(&applet.Env{Args: args, Stdin: stdin, Stdout: stdout, Stderr: stderr, Environ: env, Sys: sys, Usage: a.usage})
}

// names returns the sorted applet names.
func names() []string {
	var n []string
	for k := range table() {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}
