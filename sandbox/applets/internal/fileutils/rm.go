package fileutils

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Rm removes files: rm [-irfRdv] FILE...
func Rm(e *applet.Env) int {
	o, args, err := e.Getopt("irfRdv", "recursive=R", "force=f", "verbose=v", "dir=d")
	if err != nil {
		return 1
	}
	force, recursive := o.Has("f"), o.Has("r") || o.Has("R")
	if len(args) == 0 && !force {
		return e.ShowUsage()
	}
	status := 0
	for _, a := range args {
		base := path.Base(strings.TrimRight(a, "/"))
		if base == "." || base == ".." {
			e.Errorf("can't remove '.' or '..'")
			status = 1
			continue
		}
		if err := remove(e, a, recursive, force, o.Has("d"), o.Has("v")); err != nil {
			status = 1
		}
	}
	return status
}

func remove(e *applet.Env, name string, recursive, force, dirs, verbose bool) error {
	fi, err := os.Lstat(e.Path(name))
	if err != nil {
		if force && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		e.Perror(err, "can't remove '%s'", name)
		return err
	}
	if fi.IsDir() {
		if !recursive && !dirs {
			e.Errorf("'%s' is a directory", name)
			return errors.New("is a directory")
		}
		if recursive {
			ents, err := os.ReadDir(e.Path(name))
			if err != nil {
				e.Perror(err, "can't open '%s'", name)
				return err
			}
			var first error
			for _, de := range ents {
				if err := remove(e, path.Join(name, de.Name()), recursive, force, dirs, verbose); err != nil && first == nil {
					first = err
				}
			}
			if first != nil {
				return first
			}
		}
	}
	if err := os.Remove(e.Path(name)); err != nil {
		e.Perror(err, "can't remove '%s'", name)
		return err
	}
	if verbose {
		e.Stdout.Write([]byte("removed '" + name + "'\n"))
	}
	return nil
}
