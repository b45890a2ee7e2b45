package fileutils

import (
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Ln makes links: ln [-sfnbvT] TARGET... LINK|DIR
func Ln(e *applet.Env) int {
	o, args, err := e.Getopt("sfnbvTS:", "symbolic=s", "force=f", "no-dereference=n", "verbose=v")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	if len(args) == 1 {
		args = append(args, path.Base(args[0]))
	}
	srcs, dest := args[:len(args)-1], args[len(args)-1]
	toDir := false
	if !o.Has("T") {
		stat := os.Stat
		if o.Has("n") {
			stat = os.Lstat
		}
		if fi, err := stat(e.Path(dest)); err == nil && fi.IsDir() {
			toDir = true
		}
	}
	if len(srcs) > 1 && !toDir {
		return e.Fail("'%s' is not a directory", dest)
	}
	status := 0
	for _, src := range srcs {
		link := dest
		if toDir {
			link = path.Join(dest, path.Base(strings.TrimRight(src, "/")))
		}
		if o.Has("f") {
			os.Remove(e.Path(link))
		}
		var err error
		if o.Has("s") {
			err = os.Symlink(src, e.Path(link))
		} else {
			err = os.Link(e.Path(src), e.Path(link))
		}
		if err != nil {
			e.Perror(err, "%s", link)
			status = 1
			continue
		}
		if o.Has("v") {
			e.Stdout.Write([]byte("'" + link + "' -> '" + src + "'\n"))
		}
	}
	return status
}
