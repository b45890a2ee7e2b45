//go:build unix || wasip1

package applet

import (
	"io/fs"
	"syscall"
)

// Ino returns the inode number of fi, or 0.
func Ino(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

// Nlink returns the link count of fi (1 when unknown).
func Nlink(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 0 {
		return uint64(st.Nlink)
	}
	return 1
}

// Owner returns the uid and gid of fi: from the runtime when [Env.Stat]
// got them (WASI preview1 itself reports no owners), else from the os.
func Owner(fi fs.FileInfo) (uid, gid int) {
	if m, ok := fi.(metaInfo); ok {
		return m.uid, m.gid
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return 0, 0
}

// Dev returns the device number of fi.
func Dev(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev)
	}
	return 0
}
