package fileutils

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Mkdir creates directories: mkdir [-pv] [-m MODE] DIRECTORY...
func Mkdir(e *applet.Env) int {
	o, args, err := e.Getopt("pvm:", "parents=p", "verbose=v", "mode=m:")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	mode := fs.FileMode(0o777)
	if m := o.Get("m", ""); m != "" {
		v, err := strconv.ParseUint(m, 8, 32)
		if err != nil {
			return e.Fail("invalid mode '%s'", m)
		}
		mode = applet.FileMode(uint32(v))
	}
	status := 0
	for _, a := range args {
		var err error
		if o.Has("p") {
			err = mkdirAll(e, a, mode, o.Has("v"))
		} else {
			err = os.Mkdir(e.Path(a), mode)
			if err == nil && o.Has("m") {
				e.Chmod(a, mode) // -m is exact, not filtered by the umask
			}
			if err == nil && o.Has("v") {
				e.Stdout.Write([]byte("created directory: '" + a + "'\n"))
			}
		}
		if err != nil {
			name := a
			var pe *fs.PathError
			if errors.As(err, &pe) && o.Has("p") {
				name = pe.Path // busybox names the component that failed
			}
			e.Perror(err, "can't create directory '%s'", name)
			status = 1
		}
	}
	return status
}

// mkdirAll is mkdir -p. A PathError names the component that failed: an
// existing non-directory in the way is "PARENT/: Not a directory".
func mkdirAll(e *applet.Env, dir string, mode fs.FileMode, verbose bool) error {
	if fi, err := os.Stat(e.Path(dir)); err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: dir, Err: fs.ErrExist}
	}
	if parent := path.Dir(strings.TrimRight(dir, "/")); parent != dir && parent != "." && parent != "/" {
		if fi, err := os.Stat(e.Path(parent)); err == nil && !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: parent + "/", Err: syscall.ENOTDIR}
		}
		if err := mkdirAll(e, parent, 0o777, verbose); err != nil {
			return err
		}
	}
	err := os.Mkdir(e.Path(dir), mode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err == nil && verbose {
		e.Stdout.Write([]byte("created directory: '" + dir + "'\n"))
	}
	return err
}

// Rmdir removes empty directories: rmdir [-pv] DIRECTORY...
func Rmdir(e *applet.Env) int {
	o, args, err := e.Getopt("pv", "parents=p", "verbose=v", "ignore-fail-on-non-empty")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	status := 0
	for _, a := range args {
		for d := strings.TrimRight(a, "/"); ; d = path.Dir(d) {
			if err := os.Remove(e.Path(d)); err != nil {
				if !(o.Has("ignore-fail-on-non-empty") && strings.Contains(applet.Strerror(err), "not empty")) {
					e.Perror(err, "'%s'", d)
					status = 1
				}
				break
			}
			if !o.Has("p") || path.Dir(d) == d || path.Dir(d) == "." {
				break
			}
		}
	}
	return status
}
