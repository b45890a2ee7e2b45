package build

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// layerWriter writes COPY/ADD sources as a layer tar, owned by uid:gid
// (root unless --chown), with --chmod's mode when given.
type layerWriter struct {
	tw       *tar.Writer
	uid, gid int
	mode     *fs.FileMode
}

// add writes source s at dest: a directory's contents go into dest, a file
// goes to dest (or into it when destDir). With unpack, a local tar archive
// is extracted into dest, as ADD does.
func (w *layerWriter) add(s source, dest string, destDir, unpack bool) error {
	switch {
	case s.info.IsDir():
		return walkSource(s, func(rel string, fi fs.FileInfo, link string) error {
			sub := strings.TrimPrefix(strings.TrimPrefix(rel, s.rel), "/")
			if rel == s.rel {
				if dest == "/" {
					return nil
				}
				return w.entry(dest, dirInfo{fi}, "", s)
			}
			return w.entry(path.Join(dest, sub), fi, link, source{root: s.root, rel: rel})
		})
	case unpack && s.info.Mode().IsRegular() && isArchive(s.root, s.rel):
		return w.unpack(s, dest)
	}
	name := dest
	if destDir {
		name = path.Join(dest, path.Base(s.rel))
	}
	var link string
	if s.info.Mode()&fs.ModeSymlink != 0 {
		var err error
		if link, err = s.root.Readlink(s.rel); err != nil {
			return err
		}
	}
	return w.entry(name, s.info, link, s)
}

// dirInfo reports a destination directory as mode 0755, whatever the
// source directory's mode, as dockerd creates it.
type dirInfo struct{ fs.FileInfo }

func (d dirInfo) Mode() fs.FileMode { return fs.ModeDir | 0o755 }

// entry writes one path of the layer.
func (w *layerWriter) entry(name string, fi fs.FileInfo, link string, s source) error {
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return err
	}
	hdr.Name = cleanRel(name)
	if hdr.Name == "." {
		return nil
	}
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = w.uid, w.gid, "", ""
	if w.mode != nil && hdr.Typeflag != tar.TypeSymlink {
		hdr.Mode = int64(*w.mode)
	}
	if hdr.Typeflag == tar.TypeDir {
		hdr.Name += "/"
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := s.root.Open(s.rel)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(w.tw, f, hdr.Size)
	return err
}

// unpack writes the entries of the archive s under dest.
func (w *layerWriter) unpack(s source, dest string) error {
	f, err := s.root.Open(s.rel)
	if err != nil {
		return err
	}
	defer f.Close()
	rc, _, err := layer.Decompress(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("ADD failed: " + s.rel + ": " + err.Error())
		}
		name := cleanRel(path.Join(dest, cleanRel(hdr.Name)))
		if name == "." {
			continue
		}
		hdr.Name = name
		// dockerd extracts ADD archives owned by root or --chown's user.
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = w.uid, w.gid, "", ""
		if hdr.Typeflag == tar.TypeDir {
			hdr.Name += "/"
		}
		if hdr.Typeflag == tar.TypeLink {
			hdr.Linkname = cleanRel(path.Join(dest, cleanRel(hdr.Linkname)))
		}
		if err := w.tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(w.tw, tr); err != nil {
			return err
		}
	}
}

// untarUnder writes the entries of tr (a GetArchive of one path) under
// prefix in root. With whole, the archive is of the root directory itself
// and its first entry is skipped.
func untarUnder(ctx context.Context, root *os.Root, tr *tar.Reader, prefix string, whole bool) error {
	first := true
	return untarEach(ctx, root, tr, func(name string) (string, bool) {
		skip := first && whole
		first = false
		if skip {
			return "", false
		}
		return cleanRel(path.Join(prefix, name)), true
	})
}

// untarEach is untar with each name mapped (or skipped) by rename.
func untarEach(ctx context.Context, root *os.Root, tr *tar.Reader, rename func(string) (string, bool)) error {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := func() error {
			for {
				hdr, err := tr.Next()
				if errors.Is(err, io.EOF) {
					return tw.Close()
				}
				if err != nil {
					return err
				}
				name, ok := rename(hdr.Name)
				if !ok {
					continue
				}
				hdr.Name = name
				if hdr.Typeflag == tar.TypeLink {
					hdr.Linkname, _ = rename(hdr.Linkname)
				}
				if err := tw.WriteHeader(hdr); err != nil {
					return err
				}
				if _, err := io.Copy(tw, tr); err != nil {
					return err
				}
			}
		}()
		pw.CloseWithError(err)
	}()
	err := untar(ctx, root, tar.NewReader(pr))
	pr.CloseWithError(errors.New("untar ended"))
	return err
}

// chown resolves --chown "user[:group]": numbers, or names looked up in
// the image's /etc/passwd and /etc/group. Without a group, a named user's
// primary group is used, and a numeric user's UID, as dockerd does.
func (j *job) chown(ctx context.Context, p *probe, spec string) (uid, gid int, err error) {
	if spec == "" {
		return 0, 0, nil
	}
	usr, grp, hasGroup := strings.Cut(spec, ":")
	uid, primary, err := lookupID(ctx, p, "/etc/passwd", usr, true)
	if err != nil {
		return 0, 0, err
	}
	if !hasGroup {
		return uid, primary, nil
	}
	gid, _, err = lookupID(ctx, p, "/etc/group", grp, false)
	return uid, gid, err
}

// lookupID resolves a user or group name (or number) in an image file.
// For a user it also returns the primary group (the UID for a number
// without a passwd entry).
func lookupID(ctx context.Context, p *probe, file, name string, user bool) (id, group int, err error) {
	if n, err := strconv.Atoi(name); err == nil {
		return n, n, nil
	}
	what := "group"
	if user {
		what = "user"
	}
	fail := errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to convert uid/gid chown string to host mapping: can't find %s %s", what, name))
	rc, err := p.open(ctx, file)
	if err != nil {
		return 0, 0, fail
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		return 0, 0, fail
	}
	sc := bufio.NewScanner(tr)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 3 || f[0] != name {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			return 0, 0, fail
		}
		group = id
		if user && len(f) > 3 {
			if g, err := strconv.Atoi(f[3]); err == nil {
				group = g
			}
		}
		return id, group, nil
	}
	return 0, 0, fail
}
