package sandbox

import (
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// wasiFS is the file system an applet sees as "/": every path is resolved
// inside the container root and its mounts by [rootfs.FS], then served by
// wazero's host file system on the resolved host path. Writes below a
// read-only mount fail with EROFS, and device files are virtual.
type wasiFS struct {
	experimentalsys.UnimplementedFS
	fs   *rootfs.FS
	host experimentalsys.FS
	pe   *procEnv
	proc procfs
}

func newWasiFS(c *Container, p *Process, pe *procEnv) *wasiFS {
	return &wasiFS{fs: c.fs, host: sysfs.DirFS("/"), pe: pe, proc: procfs{c: c, self: p}}
}

// resolve maps the guest path (relative to "/") to a host path for host.
func (w *wasiFS) resolve(p string, followLast, write bool) (rootfs.Path, string, experimentalsys.Errno) {
	res, err := w.fs.Resolve("/"+strings.TrimPrefix(p, "/"), followLast)
	if err != nil {
		return res, "", experimentalsys.UnwrapOSError(err)
	}
	if write && res.ReadOnly {
		return res, "", experimentalsys.EROFS
	}
	return res, strings.TrimPrefix(res.Host, "/"), 0
}

const writeFlags = experimentalsys.O_WRONLY | experimentalsys.O_RDWR | experimentalsys.O_CREAT | experimentalsys.O_TRUNC | experimentalsys.O_APPEND

// virtualFile opens the device or /proc file at the container path cpath.
func (w *wasiFS) virtualFile(cpath string, flag experimentalsys.Oflag) (experimentalsys.File, experimentalsys.Errno, bool) {
	if dev := w.device(cpath); dev != nil {
		return dev, 0, true
	}
	if f, errno, ok := w.openMeta(cpath, flag); ok {
		return f, errno, true
	}
	if f, errno, ok := w.proc.open(cpath); ok {
		if errno == 0 && flag&writeFlags != 0 {
			f.Close()
			return nil, experimentalsys.EACCES, true
		}
		return f, errno, true
	}
	return nil, 0, false
}

// lexical is the guest path p as an absolute container path, cleaned
// lexically: virtual files are found by it before resolution, because
// their parents (/proc/1) do not exist in the root.
func lexical(p string) string { return path.Clean("/" + p) }

// OpenFile implements [experimentalsys.FS].
func (w *wasiFS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	w.proc.self.exitIfKilled()
	if f, errno, ok := w.virtualFile(lexical(p), flag); ok {
		return f, errno
	}
	res, h, errno := w.resolve(p, flag&experimentalsys.O_NOFOLLOW == 0, false)
	if errno != 0 {
		return nil, errno
	}
	if f, errno, ok := w.virtualFile(res.Container, flag); ok {
		return f, errno
	}
	if flag&writeFlags != 0 && res.ReadOnly {
		return nil, experimentalsys.EROFS
	}
	if isDeviceNode(res.Host) {
		return nil, experimentalsys.EACCES
	}
	return w.host.OpenFile(h, flag|experimentalsys.O_NOFOLLOW, applyUmask(perm, w.pe.umask))
}

// Lstat implements [experimentalsys.FS].
func (w *wasiFS) Lstat(p string) (sys.Stat_t, experimentalsys.Errno) {
	if st, errno, ok := w.virtualStat(lexical(p)); ok {
		return st, errno
	}
	res, h, errno := w.resolve(p, false, false)
	if errno != 0 {
		return sys.Stat_t{}, errno
	}
	if st, errno, ok := w.virtualStat(res.Container); ok {
		return st, errno
	}
	return w.host.Lstat(h)
}

// virtualStat describes a virtual device or /proc file.
func (w *wasiFS) virtualStat(cpath string) (sys.Stat_t, experimentalsys.Errno, bool) {
	if dev := w.device(cpath); dev != nil {
		st, errno := dev.Stat()
		return st, errno, true
	}
	if f, errno, ok := w.openMeta(cpath, 0); ok {
		if errno != 0 {
			return sys.Stat_t{}, errno, true
		}
		defer f.Close()
		st, errno := f.Stat()
		return st, errno, true
	}
	if f, errno, ok := w.proc.open(cpath); ok {
		if errno != 0 {
			return sys.Stat_t{}, errno, true
		}
		defer f.Close()
		st, errno := f.Stat()
		return st, errno, true
	}
	return sys.Stat_t{}, 0, false
}

// Stat implements [experimentalsys.FS].
func (w *wasiFS) Stat(p string) (sys.Stat_t, experimentalsys.Errno) {
	if st, errno, ok := w.virtualStat(lexical(p)); ok {
		return st, errno
	}
	res, h, errno := w.resolve(p, true, false)
	if errno != 0 {
		return sys.Stat_t{}, errno
	}
	if st, errno, ok := w.virtualStat(res.Container); ok {
		return st, errno
	}
	return w.host.Stat(h)
}

// Readlink implements [experimentalsys.FS].
func (w *wasiFS) Readlink(p string) (string, experimentalsys.Errno) {
	_, h, errno := w.resolve(p, false, false)
	if errno != 0 {
		return "", errno
	}
	return w.host.Readlink(h)
}

// Mkdir implements [experimentalsys.FS].
func (w *wasiFS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	_, h, errno := w.resolve(p, false, true)
	if errno != 0 {
		return errno
	}
	return w.host.Mkdir(h, applyUmask(perm, w.pe.umask))
}

// Chmod implements [experimentalsys.FS].
func (w *wasiFS) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	_, h, errno := w.resolve(p, true, true)
	if errno != 0 {
		return errno
	}
	return w.host.Chmod(h, perm)
}

// Rename implements [experimentalsys.FS].
func (w *wasiFS) Rename(from, to string) experimentalsys.Errno {
	rf, hf, errno := w.resolve(from, false, true)
	if errno != 0 {
		return errno
	}
	rt, ht, errno := w.resolve(to, false, true)
	if errno != 0 {
		return errno
	}
	if rf.MountPoint || rt.MountPoint {
		return experimentalsys.EPERM // EBUSY on Linux
	}
	if rf.Mount != rt.Mount {
		// Linux answers EXDEV, which WASI errors cannot carry through
		// wazero: move files the way mv would.
		return experimentalsys.UnwrapOSError(moveAcross(rf.Host, rt.Host))
	}
	return w.host.Rename(hf, ht)
}

// moveAcross moves a file or symlink between mounts by copying it.
// Directories are refused.
func moveAcross(from, to string) error {
	fi, err := os.Lstat(from)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(from)
		if err != nil {
			return err
		}
		os.Remove(to)
		if err := os.Symlink(target, to); err != nil {
			return err
		}
	case fi.Mode().IsRegular():
		src, err := os.Open(from)
		if err != nil {
			return err
		}
		defer src.Close()
		tmp := to + ".sockerless-mv"
		dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, fi.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(dst, src)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, to)
		}
		if err != nil {
			os.Remove(tmp)
			return err
		}
		os.Chtimes(to, fi.ModTime(), fi.ModTime())
	default:
		return syscall.EPERM
	}
	return os.Remove(from)
}

// Rmdir implements [experimentalsys.FS].
func (w *wasiFS) Rmdir(p string) experimentalsys.Errno {
	res, h, errno := w.resolve(p, false, true)
	if errno != 0 {
		return errno
	}
	if res.MountPoint {
		return experimentalsys.EPERM
	}
	return w.host.Rmdir(h)
}

// Unlink implements [experimentalsys.FS].
func (w *wasiFS) Unlink(p string) experimentalsys.Errno {
	_, h, errno := w.resolve(p, false, true)
	if errno != 0 {
		return errno
	}
	return w.host.Unlink(h)
}

// Link implements [experimentalsys.FS].
func (w *wasiFS) Link(oldPath, newPath string) experimentalsys.Errno {
	ro, ho, errno := w.resolve(oldPath, false, false)
	if errno != 0 {
		return errno
	}
	rn, hn, errno := w.resolve(newPath, false, true)
	if errno != 0 {
		return errno
	}
	if ro.Mount != rn.Mount {
		// Not across mounts (EXDEV on Linux): a link would also let a
		// read-only mount's file be written through a writable name.
		return experimentalsys.EPERM
	}
	return w.host.Link(ho, hn)
}

// Symlink implements [experimentalsys.FS]. The target is stored as given,
// absolute or not (wazero's own file system refuses absolute targets): it
// is resolved inside the container whenever the link is followed.
func (w *wasiFS) Symlink(target, link string) experimentalsys.Errno {
	res, _, errno := w.resolve(link, false, true)
	if errno != 0 {
		return errno
	}
	return experimentalsys.UnwrapOSError(os.Symlink(target, res.Host))
}

// Utimens implements [experimentalsys.FS].
func (w *wasiFS) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	_, h, errno := w.resolve(p, true, true)
	if errno != 0 {
		return errno
	}
	return w.host.Utimens(h, atim, mtim)
}

// device returns the virtual device at the container path cpath, or nil.
func (w *wasiFS) device(cpath string) *devFile {
	switch cpath {
	case "/dev/null":
		return &devFile{}
	case "/dev/zero":
		return &devFile{r: zeroReader{}}
	case "/dev/random", "/dev/urandom":
		return &devFile{r: randReader{}}
	case "/dev/stdin", "/proc/self/fd/0", "/dev/fd/0":
		return &devFile{r: w.pe.stdin}
	case "/dev/stdout", "/proc/self/fd/1", "/dev/fd/1":
		return &devFile{w: w.pe.stdout}
	case "/dev/stderr", "/proc/self/fd/2", "/dev/fd/2", "/dev/tty", "/dev/console":
		return &devFile{w: w.pe.stderr}
	}
	return nil
}

// devFile is a character device: reads come from r (EOF when nil) and
// writes go to w (discarded when nil).
type devFile struct {
	experimentalsys.UnimplementedFile
	r io.Reader
	w io.Writer
}

func (d *devFile) IsDir() (bool, experimentalsys.Errno) { return false, 0 }

func (d *devFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666, Nlink: 1}, 0
}

func (d *devFile) Read(b []byte) (int, experimentalsys.Errno) {
	if d.r == nil {
		return 0, 0
	}
	n, err := d.r.Read(b)
	if err == io.EOF {
		err = nil
	}
	return n, experimentalsys.UnwrapOSError(err)
}

func (d *devFile) Write(b []byte) (int, experimentalsys.Errno) {
	if d.w == nil {
		return len(b), 0
	}
	n, err := d.w.Write(b)
	return n, experimentalsys.UnwrapOSError(err)
}

func (d *devFile) Truncate(int64) experimentalsys.Errno { return 0 }
func (d *devFile) Sync() experimentalsys.Errno          { return 0 }
func (d *devFile) Close() experimentalsys.Errno         { return 0 }
