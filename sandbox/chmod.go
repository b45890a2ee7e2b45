package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// builtinChmod is chmod [-Rfv] MODE FILE...: WASI cannot change modes, so
// the host does it on the resolved path. MODE is octal or symbolic
// ("u+x,go-w", "a=rX").
func builtinChmod(c *Container, _ *Process, args []string, pe *procEnv) int {
	flags, rest := splitFlags(args[1:])
	if len(rest) < 2 {
		fmt.Fprintln(pe.stderr, "Usage: chmod [-Rcvf] MODE[,MODE]... FILE...")
		return 1
	}
	spec := rest[0]
	if _, err := applyMode(spec, 0, false); err != nil {
		fmt.Fprintf(pe.stderr, "chmod: invalid mode '%s'\n", spec)
		return 1
	}
	return c.eachPath(args[0], rest[1:], flags, pe, func(host string, fi fs.FileInfo) error {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil // the mode of a link is not used; -R does not follow links
		}
		mode, _ := applyMode(spec, fi.Mode(), fi.IsDir())
		return os.Chmod(host, mode)
	})
}

// builtinChown is chown [-Rhfv] USER[:GROUP] FILE... and chgrp GROUP FILE...,
// with names from the container's /etc/passwd and /etc/group.
func builtinChown(c *Container, _ *Process, args []string, pe *procEnv) int {
	flags, rest := splitFlags(args[1:])
	if len(rest) < 2 {
		fmt.Fprintf(pe.stderr, "Usage: %s [-Rhfv] OWNER FILE...\n", args[0])
		return 1
	}
	owner := rest[0]
	if args[0] == "chgrp" {
		owner = ":" + owner
	}
	uid, gid := -1, -1
	name, group, hasGroup := strings.Cut(strings.Replace(owner, ".", ":", 1), ":")
	if name != "" {
		u, err := c.lookupUser(name)
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: unknown user %s\n", args[0], name)
			return 1
		}
		uid = u.uid
	}
	if hasGroup && group != "" {
		u, err := c.lookupUser("0:" + group)
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: unknown group %s\n", args[0], group)
			return 1
		}
		gid = u.gid
	}
	return c.eachPath(args[0], rest[1:], flags, pe, func(host string, fi fs.FileInfo) error {
		return os.Lchown(host, uid, gid)
	})
}

// splitFlags separates single-letter flags from the operands. Flags may
// follow operands ("chown 0:0 -R /builds", as gitlab-ci-local runs it):
// busybox's getopt permutes them. A symbolic mode that starts with '-'
// ("-x") is an operand, and "--" ends the flags.
func splitFlags(args []string) (string, []string) {
	flags := ""
	var rest []string
	for i, a := range args {
		switch {
		case a == "--":
			return flags, append(rest, args[i+1:]...)
		case strings.HasPrefix(a, "-") && len(a) > 1 && a[1] != '-' && !isModeLike(a):
			flags += a[1:]
		default:
			rest = append(rest, a)
		}
	}
	return flags, rest
}

// isModeLike reports a symbolic mode that starts with '-' ("-x").
func isModeLike(s string) bool {
	return strings.Trim(s[1:], "rwxXst") == ""
}

// eachPath applies fn to each operand (and, with -R, what is below it),
// resolved inside the container; it prints errors as busybox does.
func (c *Container) eachPath(cmd string, paths []string, flags string, pe *procEnv, fn func(host string, fi fs.FileInfo) error) int {
	recursive, quiet := strings.Contains(flags, "R"), strings.Contains(flags, "f")
	code := 0
	fail := func(p string, err error) {
		code = 1
		if !quiet {
			fmt.Fprintf(pe.stderr, "%s: %s: %s\n", cmd, p, errText(err))
		}
	}
	for _, p := range paths {
		cpath := rootPath(pe.dir, p)
		res, err := c.fs.Resolve(cpath, !strings.Contains(flags, "h"))
		if err == nil && res.ReadOnly {
			err = syscall.EROFS
		}
		if err != nil {
			fail(p, err)
			continue
		}
		fi, err := os.Lstat(res.Host)
		if err != nil {
			fail(p, err)
			continue
		}
		if err := fn(res.Host, fi); err != nil {
			fail(p, err)
		}
		if !recursive || !fi.IsDir() {
			continue
		}
		filepath.WalkDir(res.Host, func(h string, de fs.DirEntry, err error) error {
			if h == res.Host {
				return nil
			}
			sub := filepath.ToSlash(filepath.Join(p, strings.TrimPrefix(h, res.Host)))
			if err != nil {
				fail(sub, err)
				return nil
			}
			info, err := de.Info()
			if err == nil {
				err = fn(h, info)
			}
			if err != nil {
				fail(sub, err)
			}
			return nil
		})
	}
	return code
}

// applyMode applies the chmod mode spec to mode.
func applyMode(spec string, mode fs.FileMode, isDir bool) (fs.FileMode, error) {
	if n, err := strconv.ParseUint(spec, 8, 32); err == nil {
		if n > 0o7777 {
			return 0, errors.New("mode out of range")
		}
		return mode&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) | toFileMode(uint32(n)), nil
	}
	bits := fromFileMode(mode)
	for _, clause := range strings.Split(spec, ",") {
		who := uint32(0)
		i := 0
		for ; i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0; i++ {
			who |= map[byte]uint32{'u': 0o4700, 'g': 0o2070, 'o': 0o1007, 'a': 0o7777}[clause[i]]
		}
		if who == 0 {
			who = 0o7777 &^ 0o022 // umask 022
		}
		if i == len(clause) {
			return 0, errors.New("missing operator")
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, fmt.Errorf("bad operator %q", op)
			}
			i++
			perm := uint32(0)
			for ; i < len(clause) && strings.IndexByte("rwxXst", clause[i]) >= 0; i++ {
				switch clause[i] {
				case 'r':
					perm |= 0o444
				case 'w':
					perm |= 0o222
				case 'x':
					perm |= 0o111
				case 'X':
					if isDir || bits&0o111 != 0 {
						perm |= 0o111
					}
				case 's':
					perm |= 0o6000
				case 't':
					perm |= 0o1000
				}
			}
			switch op {
			case '+':
				bits |= perm & who
			case '-':
				bits &^= perm & who
			case '=':
				bits = bits&^who | perm&who
			}
		}
	}
	return mode&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) | toFileMode(bits), nil
}

// toFileMode converts Unix permission bits to an fs.FileMode.
func toFileMode(bits uint32) fs.FileMode {
	m := fs.FileMode(bits & 0o777)
	if bits&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if bits&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if bits&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// fromFileMode converts an fs.FileMode to Unix permission bits.
func fromFileMode(m fs.FileMode) uint32 {
	bits := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		bits |= 0o1000
	}
	return bits
}
