package sandbox

import (
	"context"
	"os"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// access implements [interp.AccessHandlerFunc] (test -r/-w/-x, cd): it
// checks the file's permission bits for the process's user, as access(2)
// would inside the container. root may do anything but execute a file
// without an x bit.
func (h *handlers) access(ctx context.Context, p string, mode interp.AccessMode) error {
	cpath := rootPath(interp.HandlerCtx(ctx).Dir, p)
	res, err := h.c.fs.Resolve(cpath, true)
	if err != nil {
		return pathError("access", cpath, err)
	}
	if devicePaths[res.Container] {
		return nil
	}
	fi, err := os.Stat(res.Host)
	if err != nil {
		return pathError("access", cpath, err)
	}
	if mode&interp.AccessWrite != 0 && res.ReadOnly {
		return pathError("access", cpath, syscall.EROFS)
	}
	perm := uint32(fi.Mode().Perm())
	u := h.pe.user
	if u.uid == 0 {
		if mode&interp.AccessExec != 0 && !fi.IsDir() && perm&0o111 == 0 {
			return pathError("access", cpath, syscall.EACCES)
		}
		return nil
	}
	bits := perm & 7
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		switch {
		case int(st.Uid) == u.uid:
			bits = perm >> 6 & 7
		case int(st.Gid) == u.gid:
			bits = perm >> 3 & 7
		}
	}
	if uint32(mode)&bits != uint32(mode) {
		return pathError("access", cpath, syscall.EACCES)
	}
	return nil
}

// devicePaths are the virtual character devices of the shell.
var devicePaths = map[string]bool{
	"/dev/null": true, "/dev/zero": true, "/dev/urandom": true, "/dev/random": true,
	"/dev/stdin": true, "/dev/stdout": true, "/dev/stderr": true, "/dev/tty": true,
}
