package archive

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
)

// ErrUnsafe is returned for archive members that would be written outside
// the extraction directory.
var ErrUnsafe = errors.New("unsafe path")

// CleanMember strips what busybox strips from a member name: leading '/'
// and leading "../" components. It reports what it removed, for busybox's
// warning, and rejects names that still contain "..".
func CleanMember(name string) (clean, stripped string, err error) {
	n := name
	for {
		switch {
		case strings.HasPrefix(n, "/"):
			n, stripped = strings.TrimLeft(n, "/"), "/"
		case n == ".." || strings.HasPrefix(n, "../"):
			n, stripped = strings.TrimPrefix(strings.TrimPrefix(n, ".."), "/"), "../"
		default:
			goto done
		}
	}
done:
	for _, c := range strings.Split(n, "/") {
		if c == ".." {
			return "", "", ErrUnsafe
		}
	}
	clean = path.Clean(n)
	if n == "" || clean == "." {
		clean = "."
	}
	return clean, stripped, nil
}

// Resolve returns the path under dest (a name for the os package) for the
// cleaned member name, following existing symbolic links in its parent
// directories only while they stay inside dest. lstat is os.Lstat in
// production and may be replaced by tests.
func Resolve(dest, member string, lstat func(string) (fs.FileInfo, error), readlink func(string) (string, error)) (string, error) {
	if member == "." {
		return dest, nil
	}
	parts := strings.Split(member, "/")
	cur := "" // relative to dest, always clean and inside
	for i, p := range parts {
		next := path.Join(cur, p)
		if i == len(parts)-1 {
			return path.Join(dest, next), nil
		}
		for hops := 0; ; hops++ {
			if hops > 40 {
				return "", ErrUnsafe
			}
			fi, err := lstat(path.Join(dest, next))
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				break
			}
			target, err := readlink(path.Join(dest, next))
			if err != nil || path.IsAbs(target) {
				return "", ErrUnsafe
			}
			resolved := path.Join(path.Dir(next), target)
			if resolved == ".." || strings.HasPrefix(resolved, "../") {
				return "", ErrUnsafe
			}
			if resolved == "." {
				resolved = ""
			}
			next = resolved
		}
		cur = next
	}
	return path.Join(dest, cur), nil
}

// within reports whether a symlink or hard link target, taken relative to
// the member's directory, stays inside the extraction root.
func within(member, target string, hard bool) bool {
	if path.IsAbs(target) {
		return false
	}
	base := path.Dir(member)
	if hard {
		base = "."
	}
	r := path.Join(base, target)
	return r != ".." && !strings.HasPrefix(r, "../")
}

func osLstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
