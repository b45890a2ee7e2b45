package rootfs

import (
	"io/fs"
	"path"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// Stat describes the container path p without following a final symlink,
// as Docker's HEAD /containers/{id}/archive. A symlink's LinkTarget is the
// container path it resolves to.
func (f *FS) Stat(p string) (wire.Stat, error) {
	rel, err := f.Resolve(p, followLast(p))
	if err != nil {
		return wire.Stat{}, err
	}
	fi, err := f.root.Lstat(rel)
	if err != nil {
		return wire.Stat{}, classify(err)
	}
	st := wire.Stat{Name: path.Base(containerPath(rel)), Size: fi.Size(), Mode: uint32(fi.Mode()), Mtime: fi.ModTime()}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := f.Resolve(p, true)
		if err != nil {
			return wire.Stat{}, err
		}
		st.LinkTarget = containerPath(target)
	}
	return st, nil
}

// followLast reports whether a final symlink is followed: Docker follows it
// when the path ends in "/" or "/.".
func followLast(p string) bool {
	return len(p) > 0 && (p[len(p)-1] == '/' || path.Base(p) == ".")
}
