package archive

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// create writes an archive of the operands.
func (t *tarOpts) create(e *applet.Env) int {
	if len(t.members) == 0 {
		return e.Fail("empty archive")
	}
	f := t.o.Get("f", "-")
	var out io.Writer = e.Stdout
	var file *os.File
	if f != "-" {
		var err error
		if file, err = os.Create(e.Path(f)); err != nil {
			e.Perror(err, "can't open '%s'", f)
			return 1
		}
		defer file.Close()
		out = file
	}
	var zw *gzip.Writer
	if t.o.Has("z") {
		zw = gzip.NewWriter(out)
		out = zw
	}
	if t.o.Has("j") {
		return e.Fail("bzip2 compression is not supported in the sandbox")
	}
	tw := tar.NewWriter(out)
	ids := applet.LoadIDNames()
	status := 0
	var self os.FileInfo
	if file != nil {
		self, _ = file.Stat()
	}
	for _, m := range t.members {
		name, stripped, err := CleanMember(m)
		if err == nil && stripped == "/" && !t.warnedLead["/"] {
			t.warnedLead["/"] = true
			e.Errorf("removing leading '/' from member names")
		}
		if err != nil {
			name = strings.TrimLeft(m, "/")
		}
		if err := t.add(e, tw, ids, self, path.Join(t.dir, m), name); err != nil {
			status = 1
		}
	}
	if err := tw.Close(); err != nil {
		e.Perror(err, "write error")
		return 1
	}
	if zw != nil {
		zw.Close()
	}
	return status
}

// add writes src (as the os sees it, relative to -C) under member name.
func (t *tarOpts) add(e *applet.Env, tw *tar.Writer, ids *applet.IDNames, self os.FileInfo, src, name string) error {
	if t.excluded(name) {
		return nil
	}
	stat := e.Lstat
	if t.o.Has("h") {
		stat = e.Stat
	}
	fi, err := stat(src)
	if err != nil {
		e.Perror(err, "%s", strings.TrimPrefix(src, t.dir+"/"))
		return err
	}
	if self != nil && applet.SameFile(fi, self) {
		e.Errorf("%s: file is the archive; skipping", name)
		return nil
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		link, _ = os.Readlink(e.Path(src))
	}
	h, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		e.Errorf("%s: %v", name, err)
		return err
	}
	h.Name = name
	if fi.IsDir() && !strings.HasSuffix(h.Name, "/") {
		h.Name += "/"
	}
	h.Uid, h.Gid = applet.Owner(fi)
	h.Uname, h.Gname = ids.User(h.Uid), ids.Group(h.Gid)
	h.Format = tar.FormatGNU
	h.AccessTime, h.ChangeTime = fi.ModTime(), fi.ModTime()
	if t.o.Has("v") {
		e.Stdout.Write([]byte(h.Name + "\n"))
	}
	if err := tw.WriteHeader(h); err != nil {
		e.Perror(err, "write error")
		return err
	}
	if fi.Mode().IsRegular() {
		f, err := os.Open(e.Path(src))
		if err != nil {
			e.Perror(err, "can't open '%s'", name)
			return err
		}
		_, err = io.Copy(tw, f)
		f.Close()
		if err != nil {
			e.Perror(err, "write error")
			return err
		}
	}
	if !fi.IsDir() || t.o.Has("no-recursion") {
		return nil
	}
	ents, err := os.ReadDir(e.Path(src))
	if err != nil {
		e.Perror(err, "can't open '%s'", name)
		return err
	}
	var first error
	for _, de := range ents {
		if err := t.add(e, tw, ids, self, path.Join(src, de.Name()), path.Join(name, de.Name())); err != nil && first == nil {
			first = err
		}
	}
	return first
}
