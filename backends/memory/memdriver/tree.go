package memdriver

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// tarTree returns a tar of the resolved container path top, its entries
// named below name, descending into the mounts found in it, as docker cp
// copies what a process in the container sees. Symlinks are archived as
// links, never followed.
func tarTree(fsys *rootfs.FS, top rootfs.Path, name string) io.ReadCloser {
	mounts := map[string]string{}
	for _, m := range fsys.Mounts() {
		mounts[m.Target] = m.Source
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := writeTree(tw, mounts, top.Container, top.Host, name)
		if cerr := tw.Close(); err == nil {
			err = cerr
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// writeTree writes the entry at host (container path cpath) as name, and
// what is below it.
func writeTree(tw *tar.Writer, mounts map[string]string, cpath, host, name string) error {
	fi, err := os.Lstat(host)
	if err != nil {
		return err
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(host); err != nil {
			return err
		}
	}
	if fi.Mode()&fs.ModeSocket != 0 {
		return nil // tar has no sockets; docker cp skips them too
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return err
	}
	hdr.Name = name
	if fi.IsDir() && !strings.HasSuffix(name, "/") {
		hdr.Name += "/"
	}
	hdr.Uname, hdr.Gname = "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	switch {
	case fi.Mode().IsRegular():
		f, err := os.Open(host)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.CopyN(tw, f, hdr.Size)
		return err
	case !fi.IsDir():
		return nil
	}
	ents, err := os.ReadDir(host)
	if err != nil {
		return err
	}
	for _, e := range ents {
		childC := path.Join(cpath, e.Name())
		childHost := filepath.Join(host, e.Name())
		if src, ok := mounts[childC]; ok {
			childHost = src
		}
		childName := strings.TrimSuffix(name, "/") + "/" + e.Name()
		if err := writeTree(tw, mounts, childC, childHost, childName); err != nil {
			return err
		}
	}
	return nil
}
