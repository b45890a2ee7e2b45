package rootfs

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"syscall"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// GetArchive writes a tar archive of the container path p to w, as Docker's
// GET /containers/{id}/archive: entries are named from the base name of p, a
// final symlink is archived as a link unless p ends in "/" or "/.", symlinks
// inside a directory are archived as links and never followed, and files
// that share an inode become hard links. The stat of p is handed to start
// before the first byte is written, so that it can go out as a header.
func (f *FS) GetArchive(ctx context.Context, p string, w io.Writer, start func(wire.Stat) error) error {
	st, err := f.Stat(p)
	if err != nil {
		return err
	}
	rel, err := f.Resolve(p, followLast(p))
	if err != nil {
		return err
	}
	if err := start(st); err != nil {
		return err
	}
	base := path.Base(path.Clean("/" + p))
	if base == "/" || followLast(p) && path.Base(p) == "." {
		base = "."
	}
	a := archiver{f: f, tw: tar.NewWriter(w), links: map[[2]uint64]string{}}
	if !fs.FileMode(st.Mode).IsDir() {
		// fs.WalkDir would follow a symlink at the top.
		if err := a.add(rel, base); err != nil {
			return err
		}
		return a.tw.Close()
	}
	err = fs.WalkDir(f.root.FS(), rel, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return classify(err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return a.add(name, path.Join(base, strings.TrimPrefix(name, rel)))
	})
	if err != nil {
		return err
	}
	return a.tw.Close()
}

type archiver struct {
	f     *FS
	tw    *tar.Writer
	links map[[2]uint64]string // device and inode to the first name
}

func (a *archiver) add(rel, name string) error {
	fi, err := a.f.root.Lstat(rel)
	if err != nil {
		return classify(err)
	}
	var link string
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = a.f.root.Readlink(rel); err != nil {
			return classify(err)
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("archive %s: %w", rel, err)
	}
	hdr.Name = name
	if fi.IsDir() {
		hdr.Name += "/"
	}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode().IsRegular() && sys.Nlink > 1 {
		key := [2]uint64{uint64(sys.Dev), sys.Ino}
		if first, seen := a.links[key]; seen {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
		} else {
			a.links[key] = name
		}
	}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	file, err := a.f.root.Open(rel)
	if err != nil {
		return classify(err)
	}
	defer file.Close()
	if _, err := io.CopyN(a.tw, file, hdr.Size); err != nil {
		return fmt.Errorf("archive %s: %w", rel, err)
	}
	return nil
}
