package fileutils

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// copier copies one tree for cp and for mv across file systems.
type copier struct {
	e         *applet.Env
	recursive bool          // -r/-R/-a
	deref     bool          // follow symlinks in the source (-L, or no -r and no -P)
	derefTop  bool          // follow symlinks given as operands (-H)
	preserve  bool          // -p/-a: mtime and mode
	noClobber bool          // -n
	force     bool          // -f
	update    bool          // -u
	verbose   bool          // -v
	made      []fs.FileInfo // directories created, to stop "cp -r d d/sub"
}

// Cp copies files: cp [-arRdPLpfnuvT] [-t DIR] SOURCE... DEST
func Cp(e *applet.Env) int {
	o, args, err := e.Getopt("arRdPLHpfinuvTlst:", "recursive=R", "archive=a", "force=f", "no-clobber=n", "verbose=v", "preserve", "parents")
	if err != nil {
		return 1
	}
	c := copier{
		e:         e,
		recursive: o.Has("a") || o.Has("r") || o.Has("R"),
		preserve:  o.Has("a") || o.Has("p") || o.Has("preserve"),
		noClobber: o.Has("n"),
		force:     o.Has("f"),
		update:    o.Has("u"),
		verbose:   o.Has("v"),
	}
	c.deref = o.Has("L") || !(c.recursive || o.Has("d") || o.Has("P"))
	c.derefTop = o.Has("H")
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
		if err := c.copy(src, dst, true); err != nil {
			status = 1
		}
	}
	return status
}

// targets splits operands into sources and destination, honouring -t and
// -T, and reports whether the destination is a directory to copy into.
func targets(e *applet.Env, o applet.Opts, args []string) (srcs []string, dest string, toDir bool, ok bool) {
	if t := o.Get("t", ""); t != "" {
		if len(args) == 0 {
			e.Errorf("missing file operand")
			return nil, "", false, false
		}
		return args, t, true, true
	}
	if len(args) < 2 {
		if len(args) == 0 {
			e.Errorf("missing file operand")
		} else {
			e.Errorf("missing destination file operand after '%s'", args[0])
		}
		return nil, "", false, false
	}
	srcs, dest = args[:len(args)-1], args[len(args)-1]
	fi, err := os.Stat(e.Path(dest))
	isDir := err == nil && fi.IsDir() && !o.Has("T")
	if len(srcs) > 1 && !isDir {
		e.Errorf("'%s' is not a directory", dest)
		return nil, "", false, false
	}
	return srcs, dest, isDir, true
}

func (c *copier) stat(name string, top bool) (fs.FileInfo, error) {
	if c.deref || (top && c.derefTop) {
		return c.e.Stat(name)
	}
	return c.e.Lstat(name)
}

// copy copies src to dst, reporting errors itself.
func (c *copier) copy(src, dst string, top bool) error {
	fi, err := c.stat(src, top)
	if err != nil {
		c.e.Perror(err, "can't stat '%s'", strings.TrimRight(src, "/"))
		return err
	}
	if di, err := os.Stat(c.e.Path(dst)); err == nil && applet.SameFile(fi, di) {
		c.e.Errorf("'%s' and '%s' are the same file", src, dst)
		return errors.New("same file")
	}
	if c.verbose {
		c.e.Stdout.Write([]byte("'" + src + "' -> '" + dst + "'\n"))
	}
	switch {
	case fi.IsDir():
		return c.copyDir(src, dst, fi)
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(c.e.Path(src))
		if err == nil {
			os.Remove(c.e.Path(dst))
			err = os.Symlink(target, c.e.Path(dst))
		}
		if err != nil {
			c.e.Perror(err, "can't create symlink '%s'", dst)
		}
		return err
	case !fi.Mode().IsRegular():
		c.e.Errorf("'%s': special files are not supported in the sandbox", src)
		return errors.New("special file")
	}
	return c.copyFile(src, dst, fi)
}

func (c *copier) copyDir(src, dst string, fi fs.FileInfo) error {
	if !c.recursive {
		c.e.Errorf("omitting directory '%s'", src)
		return errors.New("omitted")
	}
	for _, m := range c.made {
		if applet.SameFile(m, fi) {
			c.e.Errorf("recursion detected, omitting directory '%s'", src)
			return errors.New("recursion")
		}
	}
	if err := os.Mkdir(c.e.Path(dst), fi.Mode().Perm()|0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		c.e.Perror(err, "can't create directory '%s'", dst)
		return err
	}
	if made, err := os.Stat(c.e.Path(dst)); err == nil {
		c.made = append(c.made, made)
	}
	ents, err := os.ReadDir(c.e.Path(src))
	if err != nil {
		c.e.Perror(err, "can't open '%s'", src)
		return err
	}
	var first error
	for _, de := range ents {
		if err := c.copy(path.Join(src, de.Name()), path.Join(dst, de.Name()), false); err != nil && first == nil {
			first = err
		}
	}
	if c.preserve {
		os.Chtimes(c.e.Path(dst), fi.ModTime(), fi.ModTime())
	}
	return first
}

func (c *copier) copyFile(src, dst string, fi fs.FileInfo) error {
	_, statErr := os.Stat(c.e.Path(dst))
	isNew := statErr != nil
	if di, err := os.Stat(c.e.Path(dst)); err == nil {
		if c.noClobber || (c.update && !fi.ModTime().After(di.ModTime())) {
			return nil
		}
	}
	in, err := os.Open(c.e.Path(src))
	if err != nil {
		c.e.Perror(err, "can't open '%s'", src)
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(c.e.Path(dst), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil && c.force {
		os.Remove(c.e.Path(dst))
		out, err = os.OpenFile(c.e.Path(dst), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	}
	if err != nil {
		c.e.Perror(err, "can't create '%s'", dst)
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		c.e.Perror(err, "error writing to '%s'", dst)
		return err
	}
	switch {
	case c.preserve:
		c.e.Chmod(dst, fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
		os.Chtimes(c.e.Path(dst), fi.ModTime(), fi.ModTime())
	case isNew:
		// A new copy gets the source's permissions less the umask, so
		// executables stay executable; WASI's open cannot say so itself.
		c.e.Chmod(dst, fi.Mode().Perm()&^c.e.Umask())
	}
	return nil
}
