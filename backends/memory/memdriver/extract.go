package memdriver

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// extract unpacks r below the container directory dest. Each entry's
// parent is resolved inside the container (so "../" names and symlinks,
// including ones the archive itself creates, stay inside), and the entry
// is created without following a symlink at its own name.
func extract(ctx context.Context, fsys *rootfs.FS, dest string, r io.Reader, opts driver.ArchiveOptions) error {
	tr := tar.NewReader(r)
	type dirTime struct {
		host  string
		mtime time.Time
	}
	var dirs []dirTime
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid archive: " + err.Error())
		}
		name := path.Clean("/" + hdr.Name)
		if name == "/" {
			continue
		}
		res, err := fsys.Resolve(path.Join(dest, name), false)
		if errors.Is(err, fs.ErrNotExist) {
			if err = mkdirParents(fsys, dest, name); err == nil {
				res, err = fsys.Resolve(path.Join(dest, name), false)
			}
		}
		if err != nil {
			return fmt.Errorf("extract %s: %w", hdr.Name, err)
		}
		if res.ReadOnly {
			return errdefs.ErrPermissionDenied.WithMessage("mounted volume is marked read-only")
		}
		if res.MountPoint {
			continue
		}
		if err := replaceable(res.Host, hdr, opts); err != nil {
			return err
		}
		if err := createEntry(fsys, dest, res, hdr, tr); err != nil {
			return fmt.Errorf("extract %s: %w", hdr.Name, err)
		}
		if opts.CopyUIDGID {
			os.Lchown(res.Host, hdr.Uid, hdr.Gid) // best effort without privileges
		}
		if hdr.Typeflag == tar.TypeDir {
			dirs = append(dirs, dirTime{res.Host, hdr.ModTime})
		} else if hdr.Typeflag != tar.TypeSymlink {
			os.Chtimes(res.Host, hdr.ModTime, hdr.ModTime)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- { // after their contents were written
		os.Chtimes(dirs[i].host, dirs[i].mtime, dirs[i].mtime)
	}
	return nil
}

// mkdirParents creates the missing parent directories of name below dest,
// mode 0755, as dockerd's archive.Unpack does for an archive without
// directory entries (act copies "workflow/event.json" alone).
func mkdirParents(fsys *rootfs.FS, dest, name string) error {
	cur := dest
	for _, comp := range strings.Split(strings.Trim(path.Dir(name), "/"), "/") {
		cur = path.Join(cur, comp)
		res, err := fsys.Resolve(cur, true)
		if err != nil {
			return err
		}
		if res.ReadOnly {
			return errdefs.ErrPermissionDenied.WithMessage("mounted volume is marked read-only")
		}
		if err := os.Mkdir(res.Host, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// replaceable removes what is at host so that hdr can take its place, and
// refuses to replace a directory with a non-directory (or the reverse)
// when asked to, as Docker's noOverwriteDirNonDir.
func replaceable(host string, hdr *tar.Header, opts driver.ArchiveOptions) error {
	fi, err := os.Lstat(host)
	if err != nil {
		return nil
	}
	isDir := hdr.Typeflag == tar.TypeDir
	if opts.NoOverwriteDirNonDir && fi.IsDir() != isDir {
		kind := "directory"
		if !fi.IsDir() {
			kind = "non-directory"
		}
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("cannot overwrite %s %q with %s %q", kind, hdr.Name, map[bool]string{true: "directory", false: "non-directory"}[isDir], hdr.Name))
	}
	if fi.IsDir() && isDir {
		return nil
	}
	return os.RemoveAll(host)
}

// createEntry makes one entry at host.
func createEntry(fsys *rootfs.FS, dest string, res rootfs.Path, hdr *tar.Header, r io.Reader) error {
	host := res.Host
	mode := fs.FileMode(hdr.Mode).Perm()
	if hdr.Mode&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if hdr.Mode&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if hdr.Mode&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(host, mode.Perm()); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return os.Chmod(host, mode)
	case tar.TypeReg, tar.TypeRegA:
		f, err := os.OpenFile(host, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode.Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Chmod(host, mode)
	case tar.TypeSymlink:
		return os.Symlink(hdr.Linkname, host) // resolved inside the container when followed
	case tar.TypeLink:
		target, err := fsys.Resolve(path.Join(dest, path.Clean("/"+hdr.Linkname)), false)
		if err != nil {
			return err
		}
		if target.Mount != res.Mount {
			// As Linux (EXDEV); a link into a read-only mount would also
			// make its file writable.
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("hard link %q to %q crosses a mount", hdr.Name, hdr.Linkname))
		}
		return os.Link(target.Host, host)
	case tar.TypeXGlobalHeader:
		return nil
	}
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("memory backend: cannot create %q: tar entry type %q (devices and fifos) is not supported", hdr.Name, hdr.Typeflag))
}
