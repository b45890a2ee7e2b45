// Package awk runs POSIX awk programs with github.com/benhoyt/goawk, with
// busybox awk's command line: awk [-F SEP] [-v VAR=VAL]... -f FILE | 'PROGRAM' [FILE|VAR=VAL]...
//
// system() and command pipes ("cmd" | getline, print | "cmd") need process
// spawning, which WASI lacks: they fail with an error rather than pretend.
package awk

import (
	"errors"
	"os"
	"strings"

	"github.com/benhoyt/goawk/interp"
	"github.com/benhoyt/goawk/parser"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/textutils"
)

// Awk is the awk applet.
func Awk(e *applet.Env) int {
	o, args, err := e.GetoptPosix("F:v:f:e:", "field-separator=F:", "assign=v:", "file=f:")
	if err != nil {
		return 1
	}
	var src string
	switch {
	case o.Has("f"):
		var parts []string
		for _, f := range o.All("f") {
			b, err := os.ReadFile(e.Path(f))
			if err != nil {
				e.Perror(err, "can't open '%s'", f)
				return 1
			}
			parts = append(parts, string(b))
		}
		src = strings.Join(parts, "\n")
	case o.Has("e"):
		src = strings.Join(o.All("e"), "\n")
	case len(args) > 0:
		src, args = args[0], args[1:]
	default:
		e.ShowUsage()
		return 1
	}
	prog, err := parser.ParseProgram([]byte(src), nil)
	if err != nil {
		e.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	var vars []string
	if fs, ok := o["F"]; ok {
		sep := fs[len(fs)-1]
		if sep == "t" {
			sep = "\t"
		}
		vars = append(vars, "FS", unescape(sep))
	}
	for _, v := range o.All("v") {
		k, val, ok := strings.Cut(v, "=")
		if !ok {
			e.Errorf("invalid -v argument '%s'", v)
			return 1
		}
		vars = append(vars, k, unescape(val))
	}
	cfg := &interp.Config{
		Stdin:        e.Stdin,
		Output:       e.Stdout,
		Error:        e.Stderr,
		Argv0:        "awk",
		Args:         absArgs(e, args),
		Vars:         vars,
		Environ:      environPairs(e.Environ),
		NoExec:       true,
		ShellCommand: []string{"/bin/sh", "-c"},
	}
	status, err := interp.ExecProgram(prog, cfg)
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Path + ": " + applet.Strerror(pe.Err)
		}
		e.Errorf("%s", msg)
		return 1
	}
	return status
}

// environPairs flattens KEY=value strings into goawk's key, value list.
func environPairs(env []string) []string {
	out := make([]string, 0, 2*len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, k, v)
	}
	return out
}

// absArgs resolves file operands against Env.Dir for host tests; var=value
// assignments and "-" pass through.
func absArgs(e *applet.Env, args []string) []string {
	if e.Dir == "" {
		return args
	}
	out := make([]string, len(args))
	for i, a := range args {
		if a == "-" || (strings.Contains(a, "=") && !strings.HasPrefix(a, "=") && !strings.Contains(a[:strings.IndexByte(a, '=')], "/")) {
			out[i] = a
			continue
		}
		out[i] = e.Path(a)
	}
	return out
}

// unescape processes the escapes awk applies to -v values and -F.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	u, _ := textutils.Unescape(s, true)
	return u
}
