package fileutils

import (
	"errors"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Mv moves (renames) files: mv [-finvT] [-t DIR] SOURCE... DEST
func Mv(e *applet.Env) int {
	o, args, err := e.Getopt("finvTt:", "force=f", "no-clobber=n", "verbose=v")
	if err != nil {
		return 1
	}
	srcs, dest, toDir, ok := targets(e, o, args)
	if !ok {
		return 1
	}
	status := 0
	for _, src := range srcs {
		dst := dest
		if toDir {
			dst = path.Join(dest, path.Base(strings.TrimRight(src, "/")))
		}
		if o.Has("n") {
			if _, err := os.Lstat(e.Path(dst)); err == nil {
				continue
			}
		}
		if _, err := os.Lstat(e.Path(src)); err != nil {
			e.Perror(err, "can't rename '%s'", src)
			status = 1
			continue
		}
		err := os.Rename(e.Path(src), e.Path(dst))
		if errors.Is(err, syscall.EXDEV) {
			err = moveAcross(e, src, dst)
		}
		if err != nil {
			e.Perror(err, "can't rename '%s'", src)
			status = 1
			continue
		}
		if o.Has("v") {
			e.Stdout.Write([]byte("'" + src + "' -> '" + dst + "'\n"))
		}
	}
	return status
}

// moveAcross moves between mounts by copying and removing, as mv does.
func moveAcross(e *applet.Env, src, dst string) error {
	c := copier{e: e, recursive: true, preserve: true, force: true}
	os.RemoveAll(e.Path(dst))
	if err := c.copy(src, dst, true); err != nil {
		return err
	}
	return os.RemoveAll(e.Path(src))
}
