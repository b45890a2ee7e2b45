package fakedriver

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// fs serves files of the container's RootFS directory, flat files only.
type fs struct{ d *Driver }

var _ driver.Filesystem = fs{}

func (f fs) root(id string) (*os.Root, error) {
	f.d.mu.Lock()
	spec, ok := f.d.specs[id]
	f.d.mu.Unlock()
	if !ok || spec.RootFS == "" {
		return nil, driver.ErrUnsupported
	}
	return os.OpenRoot(spec.RootFS)
}

func rel(p string) string {
	r := filepath.Clean("/" + p)[1:]
	if r == "" {
		return "."
	}
	return r
}

func (f fs) StatPath(_ context.Context, id, path string) (driver.PathStat, error) {
	root, err := f.root(id)
	if err != nil {
		return driver.PathStat{}, err
	}
	defer root.Close()
	fi, err := root.Lstat(rel(path))
	if errors.Is(err, os.ErrNotExist) {
		return driver.PathStat{}, errdefs.ErrNotFound.WithMessage("Could not find the file " + path + " in container " + id)
	}
	if err != nil {
		return driver.PathStat{}, err
	}
	return driver.PathStat{Name: fi.Name(), Size: fi.Size(), Mode: uint32(fi.Mode()), Mtime: fi.ModTime()}, nil
}

func (f fs) GetArchive(ctx context.Context, id, path string) (io.ReadCloser, driver.PathStat, error) {
	st, err := f.StatPath(ctx, id, path)
	if err != nil {
		return nil, st, err
	}
	root, err := f.root(id)
	if err != nil {
		return nil, st, err
	}
	defer root.Close()
	data, err := root.ReadFile(rel(path))
	if err != nil {
		return nil, st, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: st.Name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
	tw.Write(data)
	tw.Close()
	return io.NopCloser(&buf), st, nil
}

func (f fs) PutArchive(_ context.Context, id, path string, r io.Reader, _ driver.ArchiveOptions) error {
	root, err := f.root(id)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, _ := io.ReadAll(tr)
		name := filepath.Join(rel(path), rel(h.Name))
		if err := root.WriteFile(name, data, 0o644); err != nil {
			return err
		}
		f.d.mu.Lock()
		f.d.added[id] = append(f.d.added[id], "/"+name)
		f.d.mu.Unlock()
	}
}

func (f fs) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.Close()
	return io.NopCloser(&buf), nil
}

// Changes lists the files PutArchive wrote, as added.
func (f fs) Changes(_ context.Context, id string) ([]driver.Change, error) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	var out []driver.Change
	for _, p := range f.d.added[id] {
		out = append(out, driver.Change{Path: p, Kind: 1})
	}
	return out, nil
}
