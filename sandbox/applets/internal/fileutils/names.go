package fileutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Basename strips the directory and an optional SUFFIX: basename FILE [SUFFIX]
func Basename(e *applet.Env) int {
	args := e.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 || len(args) > 2 {
		return e.ShowUsage()
	}
	b := args[0]
	if strings.Trim(b, "/") == "" && b != "" {
		b = "/"
	} else {
		b = path.Base(b)
	}
	if len(args) == 2 && b != args[1] {
		b = strings.TrimSuffix(b, args[1])
	}
	fmt.Fprintln(e.Stdout, b)
	return 0
}

// Dirname strips the last path component: dirname FILENAME
func Dirname(e *applet.Env) int {
	args := e.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) != 1 {
		return e.ShowUsage()
	}
	d := args[0]
	if strings.Trim(d, "/") == "" && d != "" {
		d = "/"
	} else {
		d = path.Dir(strings.TrimRight(d, "/"))
	}
	fmt.Fprintln(e.Stdout, d)
	return 0
}

// Pwd prints the working directory: pwd [-LP]
func Pwd(e *applet.Env) int {
	if _, _, err := e.Getopt("LP"); err != nil {
		return 1
	}
	fmt.Fprintln(e.Stdout, e.Cwd())
	return 0
}

// Readlink prints a symbolic link's target: readlink [-fenv] FILE
func Readlink(e *applet.Env) int {
	o, args, err := e.Getopt("femnvsq", "canonicalize=f", "no-newline=n", "verbose=v")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	status := 0
	for _, a := range args {
		var s string
		var err error
		if o.Has("f") || o.Has("e") || o.Has("m") {
			s, err = Canonical(e, a, o.Has("f") && !o.Has("e"), o.Has("m"))
		} else {
			s, err = os.Readlink(e.Path(a))
		}
		if err != nil {
			if o.Has("v") {
				e.Perror(err, "%s", a)
			}
			status = 1
			continue
		}
		if o.Has("n") {
			fmt.Fprint(e.Stdout, s)
		} else {
			fmt.Fprintln(e.Stdout, s)
		}
	}
	return status
}

// Realpath prints resolved absolute paths: realpath FILE...
func Realpath(e *applet.Env) int {
	_, args, err := e.Getopt("eqms")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	status := 0
	for _, a := range args {
		s, err := Canonical(e, a, true, false)
		if err != nil {
			e.Perror(err, "%s", a)
			status = 1
			continue
		}
		fmt.Fprintln(e.Stdout, s)
	}
	return status
}

// Canonical resolves name to an absolute path without symlinks, "." or
// "..". lastMayMiss allows a missing final component (readlink -f);
// anyMissing allows missing components anywhere (readlink -m).
func Canonical(e *applet.Env, name string, lastMayMiss, anyMissing bool) (string, error) {
	p := name
	if !path.IsAbs(p) {
		p = path.Join(e.Cwd(), p)
	}
	parts := strings.Split(p, "/")
	resolved := "/"
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, part)
		fi, err := os.Lstat(e.Path(next))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && (anyMissing || (lastMayMiss && len(strings.Join(parts, "")) == 0)) {
				resolved = next
				continue
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if hops++; hops > 40 {
			return "", &fs.PathError{Op: "readlink", Path: name, Err: errors.New("symbolic link loop")}
		}
		target, err := os.Readlink(e.Path(next))
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			resolved = "/"
		}
		parts = append(strings.Split(target, "/"), parts...)
	}
	return resolved, nil
}
