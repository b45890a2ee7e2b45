package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// handlers confine the shell interpreter to the container: it opens,
// stats and lists files through the container's [rootfs.FS], and runs
// commands through [Container.spawn].
type handlers struct {
	c      *Container
	pe     *procEnv
	shell  *Process
	runner *interp.Runner
}

// rootPath is the container path of p relative to dir.
func rootPath(dir, p string) string { return rootfs.Join(dir, p) }

// errText is the strerror text of err, as busybox prints it.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOENT:
			return "No such file or directory"
		case syscall.EACCES:
			return "Permission denied"
		case syscall.EPERM:
			return "Operation not permitted"
		case syscall.EROFS:
			return "Read-only file system"
		case syscall.EEXIST:
			return "File exists"
		case syscall.ELOOP:
			return "Symbolic link loop"
		case syscall.ENOTDIR:
			return "Not a directory"
		case syscall.EISDIR:
			return "Is a directory"
		}
		return errno.Error()
	}
	return err.Error()
}

// errnoText is an errno that prints as busybox does ("No such file or
// directory"), so the shell's messages read like ash's.
type errnoText struct{ errno error }

func (e errnoText) Error() string { return errText(e.errno) }
func (e errnoText) Unwrap() error { return e.errno }

// pathError returns a *os.PathError for the container path p.
func pathError(op, p string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errnoText{errno}
	}
	return &os.PathError{Op: op, Path: p, Err: err}
}

const osWriteFlags = os.O_WRONLY | os.O_RDWR | os.O_CREATE | os.O_TRUNC | os.O_APPEND

// openFile opens the container path cpath on the host.
func (c *Container) openFile(cpath string, flag int, perm fs.FileMode) (*os.File, error) {
	res, err := c.fs.Resolve(cpath, flag&syscall.O_NOFOLLOW == 0)
	if err != nil {
		return nil, pathError("open", cpath, err)
	}
	if flag&osWriteFlags != 0 && res.ReadOnly {
		return nil, pathError("open", cpath, syscall.EROFS)
	}
	if isDeviceNode(res.Host) {
		return nil, pathError("open", cpath, syscall.EACCES)
	}
	f, err := os.OpenFile(res.Host, flag|syscall.O_NOFOLLOW, perm)
	if err != nil {
		return nil, pathError("open", cpath, err)
	}
	return f, nil
}

// isDeviceNode reports a device file in the root (an image may hold
// some): opening it would open the host's device, so it is refused; the
// sandbox's own devices are virtual.
func isDeviceNode(host string) bool {
	fi, err := os.Lstat(host)
	return err == nil && fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice) != 0
}

// open implements [interp.OpenHandlerFunc] (redirections, source).
func (h *handlers) open(ctx context.Context, p string, flag int, perm fs.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	cpath := rootPath(hc.Dir, p)
	if res, err := h.c.fs.Resolve(cpath, true); err == nil {
		switch res.Container {
		case "/dev/null":
			return nopRWC{}, nil
		case "/dev/stdout", "/proc/self/fd/1", "/dev/fd/1":
			return nopRWC{w: hc.Stdout}, nil
		case "/dev/stderr", "/proc/self/fd/2", "/dev/fd/2", "/dev/tty":
			return nopRWC{w: hc.Stderr}, nil
		case "/dev/stdin", "/proc/self/fd/0", "/dev/fd/0":
			return nopRWC{r: hc.Stdin}, nil
		case "/dev/zero":
			return nopRWC{r: zeroReader{}}, nil
		case "/dev/urandom", "/dev/random":
			return nopRWC{r: randReader{}}, nil
		}
	}
	f, err := h.c.openFile(cpath, flag, applyUmask(perm, h.umask(hc.Env)))
	if err != nil {
		return nil, redirectError(p, flag&osWriteFlags != 0, err)
	}
	return f, nil
}

// redirectError is a redirection's failure worded as busybox ash's: "sh:
// can't create /nodir/f: nonexistent directory", "sh: can't open /nope: no
// such file", "sh: can't create /ro/f: Read-only file system". It stays an
// *os.PathError, which the interpreter prints and survives (any other
// error from an open handler ends the shell).
func redirectError(p string, create bool, err error) error {
	op, reason := "sh: can't open", "no such file"
	if create {
		op, reason = "sh: can't create", "nonexistent directory"
	}
	if !errors.Is(err, syscall.ENOENT) && !errors.Is(err, syscall.ENOTDIR) && !errors.Is(err, fs.ErrNotExist) {
		reason = errText(err) // as ash's errmsg: strerror but for ENOENT and ENOTDIR
	}
	return &os.PathError{Op: op, Path: p, Err: reasonError{reason, err}}
}

// reasonError words err as text.
type reasonError struct {
	text string
	err  error
}

func (e reasonError) Error() string { return e.text }
func (e reasonError) Unwrap() error { return e.err }

// umask is the mask of the shell (or subshell) whose environment is env.
func (h *handlers) umask(env expand.Environ) uint32 {
	if m, ok := parseUmask(env.Get(umaskVar).String()); ok && env.Get(umaskVar).IsSet() {
		return m
	}
	return h.pe.umask
}

// nopRWC is a device: reads from r (EOF when nil), writes to w (discarded
// when nil), and Close does nothing.
type nopRWC struct {
	r io.Reader
	w io.Writer
}

func (n nopRWC) Read(b []byte) (int, error) {
	if n.r == nil {
		return 0, io.EOF
	}
	return n.r.Read(b)
}

func (n nopRWC) Write(b []byte) (int, error) {
	if n.w == nil {
		return len(b), nil
	}
	return n.w.Write(b)
}

func (nopRWC) Close() error { return nil }

// readDir implements [interp.ReadDirHandlerFunc2] (globbing).
func (h *handlers) readDir(ctx context.Context, p string) ([]fs.DirEntry, error) {
	cpath := rootPath(interp.HandlerCtx(ctx).Dir, p)
	res, err := h.c.fs.Resolve(cpath, true)
	if err != nil {
		return nil, pathError("open", cpath, err)
	}
	ents, err := os.ReadDir(res.Host)
	if err != nil {
		return ents, pathError("open", cpath, err)
	}
	return ents, nil
}

// stat implements [interp.StatHandlerFunc] (test -f, cd, [ -x ]).
func (h *handlers) stat(ctx context.Context, p string, follow bool) (fs.FileInfo, error) {
	cpath := rootPath(interp.HandlerCtx(ctx).Dir, p)
	res, err := h.c.fs.Resolve(cpath, follow)
	if err != nil {
		return nil, pathError("stat", cpath, err)
	}
	if devicePaths[res.Container] {
		return devInfo(res.Container), nil
	}
	var fi fs.FileInfo
	if follow {
		fi, err = os.Stat(res.Host)
	} else {
		fi, err = os.Lstat(res.Host)
	}
	if err != nil {
		return nil, pathError("stat", cpath, err)
	}
	return fi, nil
}

// devInfo describes a virtual character device.
type devInfo string

func (d devInfo) Name() string     { return string(d)[len("/dev/"):] }
func (devInfo) Size() int64        { return 0 }
func (devInfo) Mode() fs.FileMode  { return fs.ModeDevice | fs.ModeCharDevice | 0o666 }
func (devInfo) ModTime() time.Time { return time.Time{} }
func (devInfo) IsDir() bool        { return false }
func (devInfo) Sys() any           { return nil }

// exec implements [interp.ExecHandlerFunc]: every command that is not a
// shell builtin or function runs as a child process of the container.
func (h *handlers) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	pe := &procEnv{dir: hc.Dir, env: exportedEnv(hc.Env), user: h.pe.user,
		stdin: hc.Stdin, stdout: hc.Stdout, stderr: hc.Stderr, umask: h.umask(hc.Env)}
	if args[0] == "sockerless:umask" && len(args) > 1 && args[len(args)-1] != "-S" {
		if m, ok := parseUmask(args[len(args)-1]); ok {
			return hc.Builtin(ctx, []string{"eval", fmt.Sprintf("%s=%04o", umaskVar, m)})
		}
	}
	pe.job = jobKey{shell: h.shell, path: jobOf(hc.Env)}
	if err := h.c.jobKilled(pe.job); err != nil {
		return err // a killed job runs nothing more
	}
	if f, ok := pe.stdin.(*os.File); ok && f == nil {
		pe.stdin = nil
	}
	code := h.c.spawn(ctx, args, pe)
	if pe.job.path == "" {
		if err := h.runTraps(ctx); err != nil {
			return err
		}
	}
	if code != 0 {
		return interp.ExitStatus(uint8(code))
	}
	return nil
}

// exportedEnv lists the exported variables of env.
func exportedEnv(env expand.Environ) []string {
	var out []string
	env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() && vr.Kind == expand.String {
			out = append(out, name+"="+vr.Str)
		}
		return true
	})
	return out
}

// call implements [interp.CallHandlerFunc]. It sends what the interpreter
// would answer from the host (command -v, type, which look at the host's
// $PATH) or does not implement (kill) to the host builtins, and drops
// signal traps, which the sandbox cannot deliver.
func (h *handlers) call(ctx context.Context, args []string) ([]string, error) {
	switch args[0] {
	case "command":
		if len(args) > 2 && (args[1] == "-v" || args[1] == "-V") && h.external(args[2]) {
			return append([]string{"sockerless:command-v"}, args[2:]...), nil
		}
	case "type":
		if len(args) > 1 && h.external(args[1]) {
			return append([]string{"sockerless:type"}, args[1:]...), nil
		}
	case "kill":
		return append([]string{"sockerless:kill"}, args[1:]...), nil
	case "umask":
		return append([]string{"sockerless:umask"}, args[1:]...), nil
	case "pwd":
		if len(args) > 1 && args[len(args)-1] == "-P" {
			// The interpreter would resolve symlinks on the host.
			return []string{"sockerless:pwd-P"}, nil
		}
	case "cd":
		if len(args) == 2 && args[1] != "-" && !strings.HasPrefix(args[1], "-") {
			if msg := h.cdError(ctx, args[1]); msg != "" {
				return []string{"sockerless:fail", "2", msg}, nil
			}
		}
	case ".", "source":
		// The interpreter would word a missing file as a redirection's.
		if len(args) > 1 && strings.Contains(args[1], "/") {
			if msg := h.sourceError(ctx, args[0], args[1]); msg != "" {
				return []string{"sockerless:fail", "2", msg}, nil
			}
		}
	case "trap":
		return h.shell.setTraps(args), nil
	case "printf":
		// The interpreter's printf has no floating-point conversions;
		// busybox's shell has them, and so does the printf applet.
		// Nor does it take "--" as the end of its options.
		if len(args) > 1 && (args[1] == "--" || floatFormat.MatchString(args[1])) {
			return append([]string{"sockerless:printf"}, args[1:]...), nil
		}
	}
	return args, nil
}

// floatFormat matches a printf format with a floating-point conversion.
var floatFormat = regexp.MustCompile(`%[-+ #0]*[0-9*]*(\.[0-9*]*)?[eEfFgGaA]`)

// sourceError returns busybox's message when `. file` cannot open file,
// or "".
func (h *handlers) sourceError(ctx context.Context, name, file string) string {
	res, err := h.c.fs.Resolve(rootPath(interp.HandlerCtx(ctx).Dir, file), true)
	if err == nil {
		var f *os.File
		if f, err = os.Open(res.Host); err == nil {
			f.Close()
			return ""
		}
	}
	return fmt.Sprintf("sh: %s: can't open '%s': %s\n", name, file, errText(err))
}

// cdError returns busybox's message when cd cannot enter dir, or "".
func (h *handlers) cdError(ctx context.Context, dir string) string {
	cpath := rootPath(interp.HandlerCtx(ctx).Dir, dir)
	res, err := h.c.fs.Resolve(cpath, true)
	if err == nil {
		var fi os.FileInfo
		if fi, err = os.Stat(res.Host); err == nil && !fi.IsDir() {
			err = syscall.ENOTDIR
		}
	}
	if err == nil {
		return ""
	}
	return fmt.Sprintf("sh: cd: can't cd to %s: %s\n", dir, errText(err))
}

// external reports whether name is neither a keyword, a builtin nor a
// function, so that the shell would look it up in $PATH.
func (h *handlers) external(name string) bool {
	return !syntax.IsKeyword(name) && !interp.IsBuiltin(name) && h.runner.Funcs[name] == nil
}
