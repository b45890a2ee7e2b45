// Package layer applies OCI image layers (tar archives, plain or
// compressed) to a directory: the layer format of
// https://github.com/opencontainers/image-spec/blob/main/layer.md, with
// whiteouts, and never writing outside the directory.
package layer

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
)

// Whiteout markers of the OCI layer format.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// Apply extracts the layer tar r onto root, as an overlay of the layers
// already there: whiteouts delete what lower layers made, an opaque whiteout
// empties its directory of everything this layer did not create.
//
// Nothing is written outside root: names that climb out ("../x") are
// refused, as dockerd refuses them, and symbolic links in a path resolve as
// they would inside the container (chroot semantics, an absolute link
// starts at root), through [os.Root]. Device nodes and FIFOs are skipped:
// creating them needs privileges a rootless daemon lacks.
func Apply(ctx context.Context, root *os.Root, r io.Reader) error {
	tr := tar.NewReader(r)
	seen := map[string]bool{}
	res := newResolver(root)
	var dirs []*tar.Header
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid layer tar: " + err.Error())
		}
		name, err := CleanPath(hdr.Name)
		if err != nil {
			return err
		}
		if name == "." {
			if hdr.Typeflag == tar.TypeDir {
				dirs = append(dirs, withName(hdr, "."))
			}
			continue
		}
		dir, base := path.Split(name)
		rdir, err := res.dir(path.Clean(dir))
		if err != nil {
			return fmt.Errorf("extract %s: %w", name, err)
		}
		name = path.Join(rdir, base)
		switch {
		case base == whiteoutOpaque:
			if err := removeUnseen(root, rdir, seen); err != nil {
				return err
			}
			res.reset()
			continue
		case strings.HasPrefix(base, whiteoutPrefix):
			if err := root.RemoveAll(path.Join(rdir, base[len(whiteoutPrefix):])); err != nil {
				return fmt.Errorf("whiteout %s: %w", name, err)
			}
			res.reset()
			continue
		}
		if hdr.Typeflag == tar.TypeLink {
			target, err := CleanPath(hdr.Linkname)
			if err != nil {
				return err
			}
			tdir, err := res.dir(path.Dir(target))
			if err != nil {
				return fmt.Errorf("extract %s: %w", name, err)
			}
			hdr.Linkname = path.Join(tdir, path.Base(target))
		}
		created, replaced, err := Extract(root, name, hdr, tr)
		if err != nil {
			return fmt.Errorf("extract %s: %w", name, err)
		}
		if replaced || hdr.Typeflag == tar.TypeSymlink {
			res.reset()
		}
		seen[name] = true
		if created && hdr.Typeflag == tar.TypeDir {
			dirs = append(dirs, withName(hdr, name))
		}
	}
	// Directory times last: creating their entries changed them.
	for _, h := range dirs {
		_ = root.Chtimes(h.Name, accessTime(h), h.ModTime)
	}
	return nil
}

func withName(h *tar.Header, name string) *tar.Header {
	c := *h
	c.Name = name
	return &c
}

// CleanPath turns a tar entry name into a clean path relative to the root.
// Names that climb out of the root ("../x") are refused, as dockerd refuses
// them ("breakout").
func CleanPath(name string) (string, error) {
	if strings.ContainsRune(name, 0) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid tar entry name %q", name))
	}
	p := path.Clean(strings.TrimLeft(name, "/"))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid tar entry %q: path escapes the root", name))
	}
	return p, nil
}

// Extract creates one entry named name (clean, with resolved parents). created is false for entries that are skipped.
func Extract(root *os.Root, name string, hdr *tar.Header, r io.Reader) (created, replaced bool, err error) {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return false, replaced, err
		}
	}
	keepDir := false
	fi, err := root.Lstat(name)
	switch {
	case err == nil && fi.IsDir() && hdr.Typeflag == tar.TypeDir:
		keepDir = true
	case err == nil:
		replaced = true
		if err := root.RemoveAll(name); err != nil {
			return false, replaced, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return false, replaced, err
	}
	mode := hdr.FileInfo().Mode()
	switch hdr.Typeflag {
	case tar.TypeDir:
		if !keepDir {
			if err := root.Mkdir(name, 0o700); err != nil {
				return false, replaced, err
			}
		}
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return false, replaced, err
		}
		_, cerr := io.Copy(f, r)
		if err := f.Close(); cerr == nil {
			cerr = err
		}
		if cerr != nil {
			return false, replaced, cerr
		}
	case tar.TypeSymlink:
		if err := root.Symlink(hdr.Linkname, name); err != nil {
			return false, replaced, err
		}
		_ = lchown(root, name, hdr)
		return true, replaced, nil
	case tar.TypeLink:
		target, err := CleanPath(hdr.Linkname)
		if err != nil {
			return false, replaced, err
		}
		// ApplyLayer resolved the target's directory already.
		return true, replaced, root.Link(target, name)
	default:
		// Devices, FIFOs and unknown types need privileges or have no
		// meaning for a root file system held in a plain directory.
		return false, replaced, nil
	}
	if err := lchown(root, name, hdr); err != nil {
		return false, replaced, err
	}
	if err := root.Chmod(name, mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return false, replaced, err
	}
	if hdr.Typeflag != tar.TypeDir {
		_ = root.Chtimes(name, accessTime(hdr), hdr.ModTime)
	}
	return true, replaced, nil
}

// lchown sets the entry's owner; without the privilege to do so (rootless)
// files stay owned by the daemon's user, as with rootless dockerd.
func lchown(root *os.Root, name string, hdr *tar.Header) error {
	err := root.Lchown(name, hdr.Uid, hdr.Gid)
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}

func accessTime(h *tar.Header) time.Time {
	if h.AccessTime.IsZero() {
		return h.ModTime
	}
	return h.AccessTime
}

// removeUnseen empties dir of every entry this layer did not create.
func removeUnseen(root *os.Root, dir string, seen map[string]bool) error {
	f, err := root.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if !seen[p] {
			if err := root.RemoveAll(p); err != nil {
				return err
			}
		} else if e.IsDir() {
			if err := removeUnseen(root, p, seen); err != nil {
				return err
			}
		}
	}
	return nil
}
