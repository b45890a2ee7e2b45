package layer

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

// maxSymlinks bounds the links followed resolving one path, as Linux's
// MAXSYMLINKS.
const maxSymlinks = 40

// resolver resolves the directories of layer entries the way they resolve
// inside the container: symbolic links are followed, absolute ones from the
// root, and ".." never climbs above it (dockerd extracts in a chroot for
// the same effect). [os.Root] refuses absolute links in a path, so entries
// are addressed by their resolved, link-free parent. Results are cached
// until the layer creates a link or removes something.
type resolver struct {
	root  *os.Root
	cache map[string]string
}

func newResolver(root *os.Root) *resolver {
	return &resolver{root: root, cache: map[string]string{}}
}

func (r *resolver) reset() { clear(r.cache) }

// dir resolves the clean relative directory d. Components that do not
// exist yet are kept as they are.
func (r *resolver) dir(d string) (string, error) {
	if d == "." || d == "" {
		return ".", nil
	}
	if v, ok := r.cache[d]; ok {
		return v, nil
	}
	var done []string
	todo := strings.Split(d, "/")
	hops := 0
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
		cur := path.Join(append(done, c)...)
		fi, err := r.root.Lstat(cur)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if hops++; hops > maxSymlinks {
				return "", &fs.PathError{Op: "resolve", Path: d, Err: syscall.ELOOP}
			}
			target, err := r.root.Readlink(cur)
			if err != nil {
				return "", err
			}
			if path.IsAbs(target) {
				done = done[:0]
			}
			todo = append(strings.Split(target, "/"), todo...)
			continue
		}
		done = append(done, c)
	}
	v := path.Join(done...)
	if v == "" {
		v = "."
	}
	r.cache[d] = v
	return v, nil
}
