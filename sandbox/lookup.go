package sandbox

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// Reasons a file cannot run, as sh prints them.
const (
	reasonDenied = "Permission denied"
	reasonIsDir  = "Is a directory"
)

// kind is how a command runs.
type kind int

const (
	kindApplet  kind = iota // a toolbox applet in WebAssembly
	kindShell               // the Go shell interpreter
	kindBuiltin             // a host-side command (xargs, timeout...)
	kindScript              // a file with a #! line or plain shell text
	kindFailed              // a file the sandbox cannot run (path, interp[0] the reason)
)

// command is a resolved argv[0].
type command struct {
	kind kind
	// name is the applet, shell or builtin name.
	name string
	// path is the container path of the file that was found, if any.
	path string
	// shift is the number of leading arguments to drop (1 for "busybox ls").
	shift int
	// interp is the interpreter argv of a script, from its #! line.
	interp []string
}

// shells are the shell names the interpreter answers to. bash only runs
// when the image has a bash file: mvdan.cc/sh parses bash syntax.
var shells = map[string]bool{"sh": true, "ash": true, "dash": true, "bash": true}

// binDirs are where a standalone busybox finds its applets even when the
// root has no file for them, so that "#!/usr/bin/env sh" works in an empty
// root.
var binDirs = map[string]bool{"/bin": true, "/sbin": true, "/usr/bin": true, "/usr/sbin": true, "/usr/local/bin": true}

// lookup resolves argv[0] as a shell would: host builtins first, then $PATH
// (or the path itself when it has a slash), then the toolbox's applets.
func (c *Container) lookup(name string, pe *procEnv) (command, error) {
	if name == "" {
		return command{}, &ExecError{Name: name, Code: exitNotFound}
	}
	if !strings.Contains(name, "/") {
		if isBuiltin(name) {
			return command{kind: kindBuiltin, name: name}, nil
		}
		var denied error // execvp goes on after EACCES, and reports it at the end
		for _, dir := range strings.Split(pe.getenv("PATH"), ":") {
			if dir == "" {
				dir = "."
			}
			cpath := rootfs.Join(pe.dir, path.Join(dir, name))
			cmd, err := c.lookPath(name, cpath)
			var ee *ExecError
			switch {
			case err == nil:
				return cmd, nil
			case !errors.As(err, &ee) || ee.Code == exitNotFound:
			case ee.Reason == reasonDenied || ee.Reason == reasonIsDir:
				if denied == nil {
					denied = err
				}
			default:
				return cmd, err
			}
		}
		if c.rt.tb.Has(name) && name != "bash" || shells[name] && name != "bash" {
			return c.classify(name, "/bin/"+name, nil)
		}
		if denied != nil {
			return command{}, denied
		}
		return command{}, &ExecError{Name: name, Code: exitNotFound}
	}
	cpath := rootfs.Join(pe.dir, name)
	cmd, err := c.lookPath(name, cpath)
	var ee *ExecError
	if errors.As(err, &ee) && ee.Code == exitNotFound && binDirs[path.Dir(path.Clean(cpath))] {
		if base := path.Base(name); isBuiltin(base) || c.rt.tb.Has(base) || shells[base] && base != "bash" {
			return c.classify(base, cpath, nil)
		}
	}
	return cmd, err
}

// lookPath checks that the container path cpath is an executable file and
// classifies it.
func (c *Container) lookPath(name, cpath string) (command, error) {
	res, err := c.fs.Resolve(cpath, true)
	if err != nil {
		return command{}, &ExecError{Name: name, Code: exitNotFound}
	}
	fi, err := os.Stat(res.Host)
	switch {
	case err != nil:
		return command{}, &ExecError{Name: name, Code: exitNotFound}
	case fi.IsDir():
		return command{}, &ExecError{Name: name, Code: exitCannotRun, Reason: reasonIsDir}
	case fi.Mode().Perm()&0o111 == 0:
		return command{}, &ExecError{Name: name, Code: exitCannotRun, Reason: reasonDenied}
	}
	f, err := os.Open(res.Host)
	if err != nil {
		return command{}, &ExecError{Name: name, Code: exitCannotRun, Reason: reasonDenied}
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	return c.classify(path.Base(name), cpath, head[:n])
}

// classify decides how the file at cpath, invoked as base, runs: by its
// name when the toolbox knows it (so /bin/ls runs applet ls even though it
// is a link to busybox), else by its first bytes.
func (c *Container) classify(base, cpath string, head []byte) (command, error) {
	switch {
	case isBuiltin(base):
		return command{kind: kindBuiltin, name: base, path: cpath}, nil
	case shells[base]:
		return command{kind: kindShell, name: base, path: cpath}, nil
	case base == "busybox":
		return command{kind: kindApplet, name: base, path: cpath}, nil
	case c.rt.tb.Has(base):
		return command{kind: kindApplet, name: base, path: cpath}, nil
	case bytes.HasPrefix(head, []byte("#!")):
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		fields := strings.Fields(string(line))
		if len(fields) == 0 {
			fields = []string{"/bin/sh"}
		}
		if len(fields) > 2 { // Linux passes everything after the interpreter as one argument
			fields = []string{fields[0], strings.Join(fields[1:], " ")}
		}
		return command{kind: kindScript, path: cpath, interp: fields}, nil
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return command{}, &ExecError{Name: cpath, Code: exitCannotRun,
			Reason: "native program cannot run in the sockerless sandbox (it runs shell scripts and its WebAssembly applets only)"}
	case bytes.HasPrefix(head, []byte("\x00asm")):
		return command{}, &ExecError{Name: cpath, Code: exitCannotRun,
			Reason: "WebAssembly programs other than the toolbox cannot run in the sockerless sandbox yet"}
	}
	// A file without #! is run by the shell, as execvp's ENOEXEC fallback.
	return command{kind: kindScript, path: cpath, interp: []string{"/bin/sh"}}, nil
}

// busyboxApplet resolves "busybox NAME": the toolbox applet, a shell or a
// host builtin of that name.
func (c *Container) busyboxApplet(name string) (command, bool) {
	base := path.Base(name)
	switch {
	case isBuiltin(base) && !strings.HasPrefix(base, "sockerless:"):
		return command{kind: kindBuiltin, name: base, shift: 1}, true
	case shells[base] && base != "bash":
		return command{kind: kindShell, name: base, shift: 1}, true
	case c.rt.tb.Has(base):
		return command{kind: kindApplet, name: base, shift: 1}, true
	}
	return command{}, false
}

// busyboxList is what `busybox --list` prints: every command the sandbox
// runs by name, sorted.
func (c *Container) busyboxList() []string {
	names := c.rt.tb.Names()
	for _, b := range builtinNames {
		if !strings.HasPrefix(b, "sockerless:") {
			names = append(names, b)
		}
	}
	names = append(names, "ash", "sh")
	slices.Sort(names)
	return slices.Compact(names)
}

// isNotExist reports a missing file behind err.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
