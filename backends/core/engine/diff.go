package engine

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// ArchiveGetter reads path of container id as a tar, as
// [driver.Filesystem.GetArchive] and [Engine.GetArchive] do.
type ArchiveGetter func(ctx context.Context, id, path string) (io.ReadCloser, driver.PathStat, error)

// WriteDiff writes the changes of container id as a layer tar: added and
// modified paths with their content read through get, deleted ones as
// ".wh." whiteouts. docker commit and the builder's RUN steps both use it.
func WriteDiff(ctx context.Context, get ArchiveGetter, id string, changes []driver.Change, w io.Writer) error {
	slices.SortFunc(changes, func(a, b driver.Change) int { return strings.Compare(a.Path, b.Path) })
	tw := tar.NewWriter(w)
	for _, ch := range changes {
		name := strings.TrimPrefix(path.Clean("/"+ch.Path), "/")
		if name == "" {
			continue
		}
		if ch.Kind == 2 {
			dir, base := path.Split(name)
			if err := tw.WriteHeader(&tar.Header{Name: dir + ".wh." + base, Typeflag: tar.TypeReg, Mode: 0o600}); err != nil {
				return err
			}
			continue
		}
		if err := copyPath(ctx, get, id, name, tw); err != nil {
			return err
		}
	}
	return tw.Close()
}

// copyPath adds one changed path: a directory's own entry, or a file.
func copyPath(ctx context.Context, get ArchiveGetter, id, name string, tw *tar.Writer) error {
	rc, _, err := get(ctx, id, "/"+name)
	if errdefs.IsNotFound(err) {
		return nil // gone since the change list was read
	}
	if err != nil {
		return fmt.Errorf("commit: read %s: %w", name, err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	hdr, err := tr.Next()
	if err != nil {
		return fmt.Errorf("commit: read %s: %w", name, err)
	}
	// The archive's first entry is the path itself, named by its base.
	hdr.Name = name
	if hdr.Typeflag == tar.TypeDir {
		hdr.Name += "/"
		hdr.Size = 0
		return tw.WriteHeader(hdr)
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, tr)
	return err
}
