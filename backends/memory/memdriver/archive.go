package memdriver

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/go-archive"
	"github.com/moby/go-archive/compression"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// notFound is Docker's error for a missing path in docker cp.
func notFound(id, p string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("Could not find the file %s in container %s", p, id))
}

// cleanPath cleans the container path p but keeps a trailing "/" or "/.",
// which docker cp gives a meaning ("copy the contents").
func cleanPath(p string) string {
	trail := ""
	switch {
	case strings.HasSuffix(p, "/."):
		trail = "/."
	case strings.HasSuffix(p, "/") && p != "/":
		trail = "/"
	}
	c := path.Clean("/" + p)
	if c == "/" {
		return c + strings.TrimPrefix(trail, "/")
	}
	return c + trail
}

// resolve resolves p in container c as docker cp does: symlinks in the
// middle are followed inside the root; the last one only with a trailing
// "/" or "/.".
func (c *ctr) resolve(p string) (string, rootfs.Path, error) {
	cp := cleanPath(p)
	follow := strings.HasSuffix(cp, "/") || strings.HasSuffix(cp, "/.")
	res, err := c.sb.FS().Resolve(cp, follow)
	if err != nil {
		return cp, res, notFound(c.id, p)
	}
	if _, err := os.Lstat(res.Host); err != nil {
		return cp, res, notFound(c.id, p)
	}
	return cp, res, nil
}

// StatPath describes path in container id, as X-Docker-Container-Path-Stat.
func (d *Driver) StatPath(ctx context.Context, id, p string) (driver.PathStat, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return driver.PathStat{}, err
	}
	_, res, err := c.resolve(p)
	if err != nil {
		return driver.PathStat{}, err
	}
	return c.stat(res)
}

func (c *ctr) stat(res rootfs.Path) (driver.PathStat, error) {
	fi, err := os.Lstat(res.Host)
	if err != nil {
		return driver.PathStat{}, notFound(c.id, res.Container)
	}
	st := driver.PathStat{Name: path.Base(res.Container), Size: fi.Size(), Mode: uint32(fi.Mode()), Mtime: fi.ModTime()}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, err := c.sb.FS().Resolve(res.Container, true); err == nil {
			st.LinkTarget = target.Container
		}
	}
	return st, nil
}

// GetArchive returns a tar of path, named after its last element (or its
// contents with a trailing "/."), as docker cp expects.
func (d *Driver) GetArchive(ctx context.Context, id, p string) (io.ReadCloser, driver.PathStat, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return nil, driver.PathStat{}, err
	}
	cp, res, err := c.resolve(p)
	if err != nil {
		return nil, driver.PathStat{}, err
	}
	st, err := c.stat(res)
	if err != nil {
		return nil, st, err
	}
	rebase := path.Base(cp)
	if strings.HasSuffix(cp, "/.") {
		rebase = "."
	}
	if res.MountPoint && res.Container == "/" {
		rebase = "."
	}
	return tarTree(c.sb.FS(), res, rebase), st, nil
}

// Export returns a tar of the container's root (mounts excluded, as
// Docker's export).
func (d *Driver) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return archive.TarWithOptions(c.root, &archive.TarOptions{Compression: compression.None})
}

// PutArchive extracts the (possibly compressed) tar r into the directory
// p of container id. Every entry is created through the container's view,
// so an entry or a symlink of the container cannot reach outside it.
func (d *Driver) PutArchive(ctx context.Context, id, p string, r io.Reader, opts driver.ArchiveOptions) error {
	c, err := d.get(ctx, id)
	if err != nil {
		return err
	}
	res, err := c.sb.FS().Resolve(cleanPath(p), true)
	if err != nil {
		return notFound(id, p)
	}
	fi, err := os.Stat(res.Host)
	switch {
	case err != nil:
		return notFound(id, p)
	case !fi.IsDir():
		return errdefs.ErrInvalidArgument.WithMessage("extraction point is not a directory")
	case res.ReadOnly:
		return errdefs.ErrPermissionDenied.WithMessage("mounted volume is marked read-only")
	}
	dr, err := compression.DecompressStream(r)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid archive: " + err.Error())
	}
	defer dr.Close()
	return extract(ctx, c.sb.FS(), res.Container, dr, opts)
}
