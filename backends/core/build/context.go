package build

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// buildContext is the extracted build context: a directory the build
// reads COPY and ADD sources from, with .dockerignore applied.
type buildContext struct {
	dir  string
	root *os.Root
}

// close removes the extracted context, first making its directories
// writable again (they carry the context's modes, maybe read-only).
func (c *buildContext) close() {
	c.root.Close()
	filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	os.RemoveAll(c.dir)
}

// extractContext unpacks the context tar r (plain, gzip, bzip2 or zstd, as
// the classic builder accepts) into a fresh directory under tmp, leaving out
// what .dockerignore excludes (the CLI filters too; a raw API client may
// not). The Dockerfile and .dockerignore are always kept, as dockerd reads
// them before filtering. Entries never escape the directory.
func extractContext(ctx context.Context, tmp string, r io.Reader, dockerfile string) (*buildContext, error) {
	dir, err := os.MkdirTemp(tmp, "build-")
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	bc := &buildContext{dir: dir, root: root}
	rd, _, err := layer.Decompress(r)
	if err != nil {
		bc.close()
		return nil, errdefs.ErrInvalidArgument.WithMessage("failed to read the build context: " + err.Error())
	}
	defer rd.Close()
	dirs := map[string]fs.FileMode{}
	if err := untarDirs(ctx, root, tar.NewReader(rd), dirs); err != nil {
		bc.close()
		return nil, err
	}
	if err := bc.applyIgnore(dockerfile); err != nil {
		bc.close()
		return nil, err
	}
	// Directories were kept writable while their entries were written;
	// now they take the context's modes, which COPY copies.
	for name, mode := range dirs {
		root.Chmod(name, mode)
	}
	return bc, nil
}

// untar writes the entries of tr under root: directories, regular files,
// symlinks and hard links; other types are skipped.
func untar(ctx context.Context, root *os.Root, tr *tar.Reader) error {
	return untarDirs(ctx, root, tr, nil)
}

// untarDirs is untar that records the directories' modes in dirs (when
// not nil) and leaves the directories writable by their owner.
func untarDirs(ctx context.Context, root *os.Root, tr *tar.Reader, dirs map[string]fs.FileMode) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("failed to read the build context: " + err.Error())
		}
		name := cleanRel(hdr.Name)
		if name == "." || name == "" { // "./", as `tar -C dir -c .` and act's contexts start
			continue
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return contextErr(err)
			}
		}
		mode := fs.FileMode(hdr.Mode).Perm()
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return contextErr(err)
			}
			root.Chmod(name, mode|0o700)
			if dirs != nil {
				dirs[name] = mode
			}
		case tar.TypeReg:
			f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode|0o600)
			if err != nil {
				return contextErr(err)
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return contextErr(err)
			}
			root.Chmod(name, mode)
			root.Chtimes(name, hdr.ModTime, hdr.ModTime)
		case tar.TypeSymlink:
			root.Remove(name)
			if err := root.Symlink(hdr.Linkname, name); err != nil {
				return contextErr(err)
			}
		case tar.TypeLink:
			root.Remove(name)
			if err := root.Link(cleanRel(hdr.Linkname), name); err != nil {
				return contextErr(err)
			}
		}
	}
}

func contextErr(err error) error {
	return errdefs.ErrInvalidArgument.WithMessage("failed to unpack the build context: " + err.Error())
}

// cleanRel makes a tar or Dockerfile path relative to the context root
// without leaving it: "../a" and "/a" both name "a".
func cleanRel(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// applyIgnore removes what .dockerignore excludes, keeping the Dockerfile
// and .dockerignore themselves.
func (c *buildContext) applyIgnore(dockerfile string) error {
	f, err := c.root.Open(".dockerignore")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return contextErr(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("failed to parse .dockerignore: " + err.Error())
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("failed to parse .dockerignore: " + err.Error())
	}
	keep := map[string]bool{".dockerignore": true, cleanRel(dockerfile): true}
	var remove []string
	err = fs.WalkDir(c.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		m, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			return err
		}
		if m && !keep[p] && !(d.IsDir() && pm.Exclusions()) {
			remove = append(remove, p)
			if d.IsDir() {
				return fs.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("failed to apply .dockerignore: %v", err))
	}
	for _, p := range remove {
		if err := c.root.RemoveAll(p); err != nil {
			return contextErr(err)
		}
	}
	return nil
}

// readFile reads a file of the context, as the Dockerfile.
func (c *buildContext) readFile(name string) ([]byte, error) {
	return c.root.ReadFile(cleanRel(name))
}
