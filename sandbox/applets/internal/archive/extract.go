package archive

import (
	"archive/tar"
	"cmp"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// extract writes one member below the target directory.
func (t *tarOpts) extract(e *applet.Env, tr *tar.Reader, h *tar.Header) error {
	name, stripped, err := CleanMember(h.Name)
	if err != nil {
		e.Errorf("skipping unsafe member '%s'", h.Name)
		return err
	}
	if stripped != "" && !t.warnedLead[stripped] {
		t.warnedLead[stripped] = true
		e.Errorf("removing leading '%s' from member names", stripped)
	}
	if t.strip > 0 {
		parts := strings.Split(name, "/")
		if len(parts) <= t.strip {
			return nil
		}
		name = strings.Join(parts[t.strip:], "/")
	}
	if t.o.Has("v") {
		e.Stdout.Write([]byte(h.Name + "\n"))
	}
	if t.o.Has("O") {
		if h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeRegA {
			_, err := io.Copy(e.Stdout, tr)
			return err
		}
		return nil
	}
	dest := e.Path(cmp.Or(t.dir, "."))
	target, err := Resolve(dest, name, os.Lstat, os.Readlink)
	if err != nil {
		e.Errorf("skipping unsafe member '%s'", h.Name)
		return err
	}
	if err := t.write(e, tr, h, name, target, dest); err != nil {
		e.Perror(err, "can't open '%s'", name)
		return err
	}
	return nil
}

func (t *tarOpts) write(e *applet.Env, tr *tar.Reader, h *tar.Header, name, target, dest string) error {
	mode := h.FileInfo().Mode().Perm()
	if h.Typeflag != tar.TypeDir {
		if err := os.MkdirAll(path.Dir(target), 0o755); err != nil {
			return err
		}
		if fi, err := os.Lstat(target); err == nil {
			if t.o.Has("k") {
				return &os.PathError{Op: "open", Path: name, Err: fs.ErrExist}
			}
			if !fi.IsDir() || h.Typeflag != tar.TypeDir {
				// Replace, never write through an existing symlink.
				if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
		e.Chmod(target, mode|0o700) // best effort, as busybox
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_EXCL, mode|0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		e.Chmod(target, h.FileInfo().Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
	case tar.TypeSymlink:
		// A link pointing outside is created as is: images rely on absolute
		// links, and later members are resolved through it safely.
		if err := os.Symlink(h.Linkname, target); err != nil {
			return err
		}
	case tar.TypeLink:
		link, _, err := CleanMember(h.Linkname)
		if err != nil || !within(name, link, true) {
			return ErrUnsafe
		}
		src, err := Resolve(dest, link, os.Lstat, os.Readlink)
		if err != nil {
			return err
		}
		if err := os.Link(src, target); err != nil {
			return err
		}
	default:
		return nil // devices and fifos cannot be made in the sandbox
	}
	if !t.o.Has("m") && h.Typeflag != tar.TypeSymlink {
		os.Chtimes(target, h.ModTime, h.ModTime)
	}
	return nil
}
