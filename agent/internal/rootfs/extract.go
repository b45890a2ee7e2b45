package rootfs

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/containerd/errdefs"
)

// ExtractOptions tune [FS.PutArchive], as Docker's query parameters.
type ExtractOptions struct {
	// NoOverwriteDirNonDir refuses to replace a directory with a
	// non-directory and the reverse.
	NoOverwriteDirNonDir bool
	// CopyUIDGID gives files the owners recorded in the archive.
	CopyUIDGID bool
}

// PutArchive extracts the tar archive r into the directory at container
// path p, as Docker's PUT /containers/{id}/archive. Entry names are cleaned
// as if the directory were the root, and every entry's parent is resolved
// inside the root, so an archive cannot write outside it.
func (f *FS) PutArchive(ctx context.Context, p string, r io.Reader, opts ExtractOptions) error {
	dest, err := f.Resolve(p, true)
	if err != nil {
		return err
	}
	fi, err := f.root.Stat(dest)
	if err != nil {
		return classify(err)
	}
	if !fi.IsDir() {
		return errdefs.ErrInvalidArgument.WithMessage("extraction point is not a directory")
	}
	x := extractor{f: f, opts: opts, dest: containerPath(dest)}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("read archive: " + err.Error())
		}
		if err := x.entry(hdr, tr); err != nil {
			return err
		}
	}
	// Directory times last: creating their entries changed them.
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		if err := f.root.Chtimes(d.rel, d.mtime, d.mtime); err != nil {
			return classify(err)
		}
	}
	return nil
}

type dirTime struct {
	rel   string
	mtime time.Time
}

type extractor struct {
	f    *FS
	opts ExtractOptions
	dest string // container path of the extraction directory
	dirs []dirTime
}

// target resolves where the entry name goes: its parent with symlinks
// followed inside the root, its base as it is.
func (x *extractor) target(name string) (string, bool, error) {
	clean := path.Clean("/" + name)
	if clean == "/" {
		return "", false, nil
	}
	full := path.Join(x.dest, clean)
	parent, err := x.f.Resolve(path.Dir(full), true)
	if err != nil {
		return "", false, err
	}
	if err := x.f.root.MkdirAll(parent, 0o755); err != nil {
		return "", false, classify(err)
	}
	return path.Join(parent, path.Base(full)), true, nil
}

func (x *extractor) entry(hdr *tar.Header, r io.Reader) error {
	rel, ok, err := x.target(hdr.Name)
	if err != nil || !ok {
		return err
	}
	mode := hdr.FileInfo().Mode()
	if err := x.clear(rel, hdr.Typeflag == tar.TypeDir); err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := x.f.root.Mkdir(rel, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return classify(err)
		}
		x.dirs = append(x.dirs, dirTime{rel, hdr.ModTime})
	case tar.TypeReg:
		if err := x.writeFile(rel, r); err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := x.f.root.Symlink(hdr.Linkname, rel); err != nil {
			return classify(err)
		}
	case tar.TypeLink:
		old, _, err := x.target(hdr.Linkname)
		if err != nil {
			return err
		}
		if err := x.f.root.Link(old, rel); err != nil {
			return classify(err)
		}
		return nil
	default:
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: unsupported tar entry type %q", hdr.Name, hdr.Typeflag))
	}
	return x.meta(rel, hdr, mode)
}

// clear removes what is in the way of a new entry, as Docker does: an
// existing directory stays for a directory entry.
func (x *extractor) clear(rel string, isDir bool) error {
	fi, err := x.f.root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return classify(err)
	}
	if fi.IsDir() && isDir {
		return nil
	}
	if x.opts.NoOverwriteDirNonDir && fi.IsDir() != isDir {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("cannot overwrite %s with an entry of another kind", containerPath(rel)))
	}
	return classify(x.f.root.RemoveAll(rel))
}

func (x *extractor) writeFile(rel string, r io.Reader) error {
	out, err := x.f.root.OpenFile(rel, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return classify(err)
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return errdefs.ErrInvalidArgument.WithMessage("read archive: " + err.Error())
	}
	return classify(out.Close())
}

func (x *extractor) meta(rel string, hdr *tar.Header, mode fs.FileMode) error {
	if x.opts.CopyUIDGID {
		if err := x.f.root.Lchown(rel, hdr.Uid, hdr.Gid); err != nil {
			return classify(err)
		}
	}
	if hdr.Typeflag == tar.TypeSymlink {
		return nil
	}
	if err := x.f.root.Chmod(rel, mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return classify(err)
	}
	if hdr.Typeflag == tar.TypeDir {
		return nil
	}
	return classify(x.f.root.Chtimes(rel, hdr.ModTime, hdr.ModTime))
}
