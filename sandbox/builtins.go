package sandbox

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// builtinFunc is a command run on the host side, because it starts other
// commands (which a WASI module cannot) or inspects the sandbox.
type builtinFunc func(c *Container, p *Process, args []string, pe *procEnv) int

// builtinNames are the host-side commands; see [Container.runBuiltin].
var builtinNames = []string{"chgrp", "chmod", "chown", "env", "kill", "nice", "nohup", "timeout", "which", "xargs",
	"sockerless:command-v", "sockerless:type", "sockerless:kill", "sockerless:fail", "sockerless:pwd-P", "sockerless:umask", "sockerless:printf"}

// isBuiltin reports whether name is a host-side command.
func isBuiltin(name string) bool { return slices.Contains(builtinNames, name) }

// runBuiltin runs the host-side command name.
func (c *Container) runBuiltin(p *Process, name string, args []string, pe *procEnv) int {
	switch name {
	case "chmod":
		return builtinChmod(c, p, args, pe)
	case "chown", "chgrp":
		return builtinChown(c, p, args, pe)
	case "env":
		return builtinEnv(c, p, args, pe)
	case "kill", "sockerless:kill":
		return builtinKill(c, p, args, pe)
	case "nice", "nohup":
		return builtinNice(c, p, args, pe)
	case "timeout":
		return builtinTimeout(c, p, args, pe)
	case "which", "sockerless:command-v", "sockerless:type":
		return builtinWhich(c, p, args, pe)
	case "xargs":
		return builtinXargs(c, p, args, pe)
	case "sockerless:umask":
		return builtinUmask(c, p, args, pe)
	case "sockerless:pwd-P": // pwd -P, from the call handler
		res, err := c.fs.Resolve(pe.dir, true)
		if err != nil {
			fmt.Fprintf(pe.stderr, "sh: pwd: %s\n", errText(err))
			return 1
		}
		fmt.Fprintln(pe.stdout, res.Container)
		return 0
	case "sockerless:printf": // printf with a floating-point format, from the call handler
		return c.rt.runApplet(c, p, "printf", append([]string{"printf"}, args[1:]...), pe)
	case "sockerless:fail": // sockerless:fail STATUS MESSAGE, from the call handler
		fmt.Fprint(pe.stderr, args[2])
		code, _ := strconv.Atoi(args[1])
		return code
	}
	fmt.Fprintf(pe.stderr, "%s: applet not found\n", name)
	return exitNotFound
}

// builtinEnv is env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...].
func builtinEnv(c *Container, p *Process, args []string, pe *procEnv) int {
	env := slices.Clone(pe.env)
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-i" || a == "-" || a == "--ignore-environment":
			env = nil
		case a == "-u" && i+1 < len(args):
			i++
			env = unsetEnv(env, args[i])
		case strings.HasPrefix(a, "-u"):
			env = unsetEnv(env, a[2:])
		case a == "--":
			i++
			goto vars
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(pe.stderr, "env: unrecognized option '%s'\n", a)
			return 125
		default:
			goto vars
		}
	}
vars:
	for ; i < len(args) && strings.Contains(args[i], "="); i++ {
		k, _, _ := strings.Cut(args[i], "=")
		env = append(unsetEnv(env, k), args[i])
	}
	if i == len(args) {
		for _, kv := range env {
			fmt.Fprintln(pe.stdout, kv)
		}
		return 0
	}
	sub := *pe
	sub.env = env
	return c.spawn(p.ctx, args[i:], &sub)
}

func unsetEnv(env []string, name string) []string {
	return slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
}

// builtinNice runs nice [-n N] CMD and nohup CMD: the sandbox has no
// priorities and its processes get no SIGHUP, so both just run CMD.
func builtinNice(c *Container, p *Process, args []string, pe *procEnv) int {
	i := 1
	if args[0] == "nice" {
		for i < len(args) && strings.HasPrefix(args[i], "-") {
			if args[i] == "-n" {
				i++
			}
			i++
		}
	}
	if i >= len(args) {
		if args[0] == "nice" {
			fmt.Fprintln(pe.stdout, "0")
			return 0
		}
		fmt.Fprintln(pe.stderr, "Usage: nohup PROG ARGS")
		return 1
	}
	return c.spawn(p.ctx, args[i:], pe)
}

// builtinTimeout is timeout [-s SIG] [-k DURATION] DURATION CMD [ARG]...:
// it signals CMD after DURATION. As busybox's (Alpine's) timeout, it then
// exits with CMD's status, 128+SIG (GNU's exits 124).
func builtinTimeout(c *Container, p *Process, args []string, pe *procEnv) int {
	sig := syscall.SIGTERM
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && len(args[i]) > 1; i++ {
		switch a := args[i]; {
		case a == "-s" && i+1 < len(args):
			i++
			s, ok := parseSignal(args[i])
			if !ok {
				fmt.Fprintf(pe.stderr, "timeout: invalid signal '%s'\n", args[i])
				return 125
			}
			sig = s
		case a == "-k" && i+1 < len(args):
			i++ // every signal the sandbox delivers ends the process
		case a == "--preserve-status":
		case a == "--foreground" || a == "-v" || a == "--verbose":
		default:
			fmt.Fprintf(pe.stderr, "timeout: unrecognized option '%s'\n", a)
			return 125
		}
	}
	if i+1 >= len(args) {
		fmt.Fprintln(pe.stderr, "Usage: timeout [-s SIG] [-k KILL_SECS] SECS PROG ARGS")
		return 125
	}
	d, err := parseDuration(args[i])
	if err != nil {
		fmt.Fprintf(pe.stderr, "timeout: invalid time interval '%s'\n", args[i])
		return 125
	}
	ctx, cancel := context.WithCancelCause(p.ctx)
	defer cancel(nil)
	if d > 0 {
		t := time.AfterFunc(d, func() { cancel(signalError(sig)) })
		defer t.Stop()
	}
	return c.spawn(ctx, args[i+1:], pe)
}

// parseDuration parses "10", "1.5s", "2m", "1h", "1d".
func parseDuration(s string) (time.Duration, error) {
	unit := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, unit = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, unit = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, unit = s[:len(s)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return time.Duration(f * float64(unit)), nil
}

// builtinWhich is which NAME..., command -v NAME... and type NAME...: it
// looks names up in the container's $PATH.
func builtinWhich(c *Container, _ *Process, args []string, pe *procEnv) int {
	code := 0
	for _, name := range args[1:] {
		if strings.HasPrefix(name, "-") && args[0] == "which" {
			continue
		}
		found := c.which(name, pe)
		switch {
		case found == "":
			code = 1
			if args[0] != "which" {
				code = exitNotFound // busybox ash's command -v and type
			}
			if args[0] == "sockerless:type" {
				fmt.Fprintf(pe.stderr, "sh: type: %s: not found\n", name)
			}
		case args[0] == "sockerless:type":
			fmt.Fprintf(pe.stdout, "%s is %s\n", name, found)
		default:
			fmt.Fprintln(pe.stdout, found)
		}
	}
	return code
}

// which returns the container path name runs from, or "".
func (c *Container) which(name string, pe *procEnv) string {
	if strings.Contains(name, "/") {
		if _, err := c.lookPath(name, rootPath(pe.dir, name)); err == nil {
			return name
		}
		return ""
	}
	for _, dir := range strings.Split(pe.getenv("PATH"), ":") {
		cpath := rootPath(pe.dir, dir+"/"+name)
		if res, err := c.fs.Resolve(cpath, true); err == nil {
			if fi, err := os.Stat(res.Host); err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0 {
				return dir + "/" + name
			}
		}
	}
	if isBuiltin(name) && !strings.HasPrefix(name, "sockerless:") || c.rt.tb.Has(name) || shells[name] && name != "bash" {
		return "/bin/" + name // run standalone, see lookup
	}
	return ""
}
