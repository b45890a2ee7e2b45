// Package rootfs maps paths inside a sandboxed container to paths on the
// host, following symbolic links the way the container's kernel would if the
// container root were "/": a link to "/" means the container root, ".." stops
// at the root, and mounts (binds, volumes, tmpfs) appear at their targets.
//
// Resolution never yields a host path outside the root or a mount source. It
// walks one component at a time with lstat, like
// github.com/cyphar/filepath-securejoin and moby's FollowSymlinkInScope.
//
// # Notes
//
//   - Resolution is done in user space, so a process of the same container
//     that swaps a directory for a symlink between the walk and the use can
//     race it. Callers open the final component with O_NOFOLLOW where they can.
package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// maxLinks is the number of symlinks followed in one resolution before ELOOP,
// as Linux's MAXSYMLINKS.
const maxLinks = 40

// Mount makes a host directory visible at Target inside the container.
type Mount struct {
	// Source is the host directory.
	Source string
	// Target is the absolute path inside the container.
	Target string
	// ReadOnly refuses every write below Target.
	ReadOnly bool
}

// FS is a container's view of the host: a root directory plus mounts.
// It is safe for concurrent use.
type FS struct {
	root   string
	mounts []Mount // longest target first
}

// New returns the view of root with mounts. Targets must be absolute.
func New(root string, mounts []Mount) (*FS, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	f := &FS{root: filepath.Clean(root)}
	for _, m := range mounts {
		if !path.IsAbs(m.Target) {
			return nil, fmt.Errorf("mount target %q is not absolute", m.Target)
		}
		src, err := filepath.Abs(m.Source)
		if err != nil {
			return nil, err
		}
		f.mounts = append(f.mounts, Mount{Source: src, Target: path.Clean(m.Target), ReadOnly: m.ReadOnly})
	}
	slices.SortStableFunc(f.mounts, func(a, b Mount) int { return len(b.Target) - len(a.Target) })
	return f, nil
}

// Root returns the host directory of the container root.
func (f *FS) Root() string { return f.root }

// Mounts returns the mounts, longest target first.
func (f *FS) Mounts() []Mount { return slices.Clone(f.mounts) }

// Path is a resolved container path.
type Path struct {
	// Container is the absolute container path with every symlink resolved
	// (but the last one when it was not followed).
	Container string
	// Host is where Container lives on the host.
	Host string
	// ReadOnly is set when Container is in a read-only mount.
	ReadOnly bool
	// MountPoint is set when Container is the root of a mount or "/".
	MountPoint bool
	// Mount is the target of the mount holding Container ("" for the root):
	// links and renames cannot cross mounts (EXDEV).
	Mount string
}

// mountOf returns the mount that holds the clean absolute container path p,
// or nil for the root.
func (f *FS) mountOf(p string) *Mount {
	for i := range f.mounts {
		t := f.mounts[i].Target
		if p == t || t == "/" || strings.HasPrefix(p, t+"/") {
			return &f.mounts[i]
		}
	}
	return nil
}

// host maps the clean absolute container path p to its host path, without
// looking at the file system.
func (f *FS) host(p string) Path {
	if m := f.mountOf(p); m != nil {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, m.Target), "/")
		return Path{Container: p, Host: filepath.Join(m.Source, filepath.FromSlash(rel)), ReadOnly: m.ReadOnly, MountPoint: p == m.Target, Mount: m.Target}
	}
	return Path{Container: p, Host: filepath.Join(f.root, filepath.FromSlash(p)), MountPoint: p == "/"}
}

// Resolve resolves the container path p (relative paths are relative to
// "/") to a host path. It follows every symlink, including the last
// component's when followLast is set. A missing last component is not an
// error (so that callers can create it); a missing or non-directory
// intermediate component is, as *fs.PathError wrapping ENOENT or ENOTDIR.
func (f *FS) Resolve(p string, followLast bool) (Path, error) {
	cur := "/"
	rest := p
	if strings.HasSuffix(p, "/") {
		followLast = true // "link/" names the directory the link points to
	}
	links := 0
	for rest != "" {
		var comp string
		comp, rest, _ = strings.Cut(strings.TrimLeft(rest, "/"), "/")
		rest = strings.TrimLeft(rest, "/")
		switch comp {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, comp)
		last := rest == ""
		hp := f.host(next)
		if hp.MountPoint {
			cur = next
			continue
		}
		if last && !followLast {
			return hp, nil
		}
		fi, err := os.Lstat(hp.Host)
		if err != nil {
			if last && errors.Is(err, fs.ErrNotExist) {
				return hp, nil
			}
			return Path{}, &fs.PathError{Op: "stat", Path: p, Err: unwrapErrno(err)}
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			links++
			if links > maxLinks {
				return Path{}, &fs.PathError{Op: "stat", Path: p, Err: syscall.ELOOP}
			}
			target, err := os.Readlink(hp.Host)
			if err != nil {
				return Path{}, &fs.PathError{Op: "readlink", Path: p, Err: unwrapErrno(err)}
			}
			if path.IsAbs(target) {
				cur = "/"
			}
			if rest != "" {
				target += "/" + rest
			}
			rest = target
			continue
		case !fi.IsDir() && !last:
			return Path{}, &fs.PathError{Op: "stat", Path: p, Err: syscall.ENOTDIR}
		}
		cur = next
	}
	return f.host(cur), nil
}

// unwrapErrno returns the errno inside a *fs.PathError, so that callers
// report the container path rather than the host path.
func unwrapErrno(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// Join returns the absolute container path of p relative to the container
// directory dir. It does not clean ".." lexically: [FS.Resolve] applies it
// after resolving the symlinks before it, as the kernel does.
func Join(dir, p string) string {
	if path.IsAbs(p) {
		return p
	}
	return strings.TrimSuffix(dir, "/") + "/" + p
}
