// Package applet holds what every toolbox applet shares: the [Env] an applet
// runs in, busybox-style option parsing and busybox-style error messages.
//
// Applets are plain functions of an [Env], so they run unchanged on the host
// (in tests) and inside the sandbox's WASI module (GOOS=wasip1), where the
// multi-call main in sandbox/applets only dispatches on the applet name.
//
// # Working directory
//
// WASI has no chdir. The sandbox runtime passes the container's working
// directory in the environment variable PWD, and Go's wasip1 syscall package
// resolves every relative path against PWD (syscall.Getwd returns it too), so
// applets use os functions with the names they were given. [Env.Path] exists
// for host tests only: when [Env.Dir] is set, relative names resolve against
// it instead of the host process's working directory.
package applet

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Func is an applet: it runs with e and returns the process exit status.
type Func func(e *Env) int

// Env is the process an applet runs as: its arguments, streams and environment.
type Env struct {
	// Args are the command-line arguments; Args[0] is the applet name.
	Args []string
	// Stdin, Stdout and Stderr are the standard streams. Stdout is usually
	// buffered; see [Env.Flush].
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Environ is the environment as KEY=value pairs.
	Environ []string
	// Usage is the applet's usage text (after "Usage: NAME "), printed on
	// usage errors as busybox does.
	Usage string
	// Sys holds the SOCKERLESS_* variables the sandbox runtime passes to
	// applets (credentials, uname, CPU count); they are kept out of Environ
	// so env, printenv and awk's ENVIRON show only the container's own.
	Sys []string
	// Dir, when not empty, is the directory relative paths resolve against
	// (host tests). Inside WASI it is empty and the os package uses $PWD.
	Dir string

	loc *time.Location // the time zone, once [Env.Location] loaded it
}

// Name returns the applet name, as busybox prints it in messages.
func (e *Env) Name() string {
	if len(e.Args) == 0 {
		return "toolbox"
	}
	return filepath.Base(e.Args[0])
}

// Getenv returns the value of the environment variable key, or "".
func (e *Env) Getenv(key string) string {
	v, _ := e.LookupEnv(key)
	return v
}

// LookupEnv returns the value of key and whether it is set.
func (e *Env) LookupEnv(key string) (string, bool) {
	for i := len(e.Environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e.Environ[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// SysGetenv returns the runtime-provided SOCKERLESS_* variable key, or "".
func (e *Env) SysGetenv(key string) string {
	for i := len(e.Sys) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e.Sys[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// SplitEnviron separates the runtime's SOCKERLESS_* variables from the
// container's environment.
func SplitEnviron(environ []string) (env, sys []string) {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "SOCKERLESS_") {
			sys = append(sys, kv)
		} else {
			env = append(env, kv)
		}
	}
	return env, sys
}

// Path returns the name to hand to the os package for the user's path p.
func (e *Env) Path(p string) string {
	if e.Dir == "" || p == "" || filepath.IsAbs(p) {
		return p
	}
	j := filepath.Join(e.Dir, p)
	if strings.HasSuffix(p, "/") {
		j += "/" // "dir/" must stay a directory name, as in WASI
	}
	return j
}

// Cwd returns the working directory as the user sees it.
func (e *Env) Cwd() string {
	if e.Dir != "" {
		return e.Dir
	}
	if d := e.Getenv("PWD"); d != "" {
		return d
	}
	d, err := os.Getwd()
	if err != nil {
		return "/"
	}
	return d
}

// Flush writes out buffered standard output, so that output produced before a
// blocking read or sleep reaches the reader (busybox writes unbuffered).
func (e *Env) Flush() {
	if f, ok := e.Stdout.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// FlushingReader returns r wrapped so every Read first flushes w: a filter
// reading a pipe then never holds back output its reader waits for.
func FlushingReader(r io.Reader, w *bufio.Writer) io.Reader {
	return flushReader{r: r, w: w}
}

type flushReader struct {
	r io.Reader
	w *bufio.Writer
}

// Read flushes pending output, then reads.
func (f flushReader) Read(p []byte) (int, error) {
	if f.w.Buffered() > 0 {
		f.w.Flush()
	}
	return f.r.Read(p)
}

// Open opens the named file for reading; "-" is standard input.
func (e *Env) Open(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.Stdin), nil
	}
	return os.Open(e.Path(name))
}
