package fileutils

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Mktemp creates a unique file or directory and prints its name:
// mktemp [-dtuq] [-p DIR] [TEMPLATE]
func Mktemp(e *applet.Env) int {
	o, args, err := e.Getopt("dtuqp:", "directory=d", "dry-run=u", "quiet=q", "tmpdir=p:")
	if err != nil {
		return 1
	}
	tmpl := "tmp.XXXXXX"
	explicit := len(args) > 0
	if explicit {
		tmpl = args[0]
	}
	dir := o.Get("p", "")
	if dir == "" && (!explicit || o.Has("t")) {
		dir = e.Getenv("TMPDIR")
		if dir == "" {
			dir = "/tmp"
		}
	}
	if dir != "" && !strings.Contains(tmpl, "/") {
		tmpl = path.Join(dir, tmpl)
	}
	n := len(tmpl) - len(strings.TrimRight(tmpl, "X"))
	if n < 3 {
		if !o.Has("q") {
			e.Errorf("%s: Invalid argument", tmpl)
		}
		return 1
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for try := 0; try < 100; try++ {
		r := make([]byte, n)
		for i := range r {
			r[i] = letters[rand.IntN(len(letters))]
		}
		name := tmpl[:len(tmpl)-n] + string(r)
		var err error
		switch {
		case o.Has("u"):
			_, err = os.Lstat(e.Path(name))
			if err == nil {
				err = fs.ErrExist
			} else {
				err = nil
			}
		case o.Has("d"):
			err = os.Mkdir(e.Path(name), 0o700)
		default:
			var f *os.File
			f, err = os.OpenFile(e.Path(name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			if err == nil {
				f.Close()
			}
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			if !o.Has("q") {
				e.Perror(err, "%s", name)
			}
			return 1
		}
		fmt.Fprintln(e.Stdout, name)
		return 0
	}
	return e.Fail("%s: File exists", tmpl)
}
