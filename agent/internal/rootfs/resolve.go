// Package rootfs serves a container's file system below a root directory:
// stat, tar archives out and in, with Docker's archive semantics
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container/operation/ContainerArchive).
//
// Paths are resolved as if the root were "/" (chroot semantics): ".." stops
// at the root and absolute symlink targets start again from the root, so no
// path and no symlink can name anything outside it. Every operation then goes
// through an [os.Root], which refuses a symlink swapped in after resolution
// that would escape, so a racing process inside the container cannot escape
// either.
package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
)

// maxLinks is the number of symlinks one resolution may follow, as Linux's
// MAXSYMLINKS.
const maxLinks = 40

// FS is a container file system below a root directory.
type FS struct {
	root *os.Root
}

// Open opens the file system rooted at dir.
func Open(dir string) (*FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open container root: %w", err)
	}
	return &FS{root: r}, nil
}

// Close releases the root directory.
func (f *FS) Close() error { return f.root.Close() }

// Resolve turns a container path into a path relative to the root ("." for
// the root itself) with every symlink followed, except the last component
// when followLast is false. Components that do not exist are kept as they
// are. Relative paths start at the root, as Docker's archive endpoints.
func (f *FS) Resolve(p string, followLast bool) (string, error) {
	todo := splitPath(p)
	var done []string
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cand := path.Join(append(done, c)...)
		if len(todo) == 0 && !followLast {
			done = append(done, c)
			break
		}
		fi, err := f.root.Lstat(cand)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			// Missing, not a directory or not a link: keep it; the
			// operation on the result reports the error.
			done = append(done, c)
			continue
		}
		if links++; links > maxLinks {
			return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: %v", p, syscall.ELOOP))
		}
		target, err := f.root.Readlink(cand)
		if err != nil {
			return "", fmt.Errorf("readlink %s: %w", p, err)
		}
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		todo = append(splitPath(target), todo...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

func splitPath(p string) []string {
	return strings.Split(p, "/")
}

// containerPath turns a resolved relative path back into a container path.
func containerPath(rel string) string {
	if rel == "." {
		return "/"
	}
	return "/" + rel
}

// classify gives file system errors their errdefs class.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %w", errdefs.ErrNotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: %w", errdefs.ErrPermissionDenied, err)
	case errors.Is(err, fs.ErrExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.ENOTEMPTY):
		return fmt.Errorf("%w: %w", errdefs.ErrConflict, err)
	}
	return err
}
