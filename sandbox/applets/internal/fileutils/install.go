package fileutils

import (
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Install copies files and sets their mode (0755 unless -m) and owner:
// install [-cdDpsv] [-m MODE] [-o USER] [-g GROUP] [-t DIR] SOURCE... DEST,
// or install -d [-m MODE] DIRECTORY... to make directories.
func Install(e *applet.Env) int {
	o, args, err := e.Getopt("cdDpsvTm:o:g:t:", "directory=d", "mode=m:", "owner=o:", "group=g:",
		"target-directory=t:", "preserve-timestamps=p", "strip=s", "verbose=v", "no-target-directory=T")
	if err != nil {
		return 1
	}
	mode := fs.FileMode(0o755)
	if m := o.Get("m", ""); m != "" {
		v, err := strconv.ParseUint(m, 8, 32)
		if err != nil || v > 0o7777 {
			return e.Fail("invalid mode '%s'", m)
		}
		mode = applet.FileMode(uint32(v))
	}
	uid, gid, ok := owners(e, o.Get("o", ""), o.Get("g", ""))
	if !ok {
		return 1
	}
	finish := func(name string) error {
		if err := e.Chmod(name, mode); err != nil && !strings.Contains(err.Error(), "unsupported") {
			return err
		}
		if uid >= 0 || gid >= 0 {
			return e.Chown(name, uid, gid)
		}
		return nil
	}
	if o.Has("d") {
		if len(args) == 0 {
			return e.ShowUsage()
		}
		status := 0
		for _, d := range args {
			if err := mkdirAll(e, d, 0o755, o.Has("v")); err != nil {
				e.Perror(err, "can't create directory '%s'", d)
				status = 1
				continue
			}
			if err := finish(d); err != nil {
				e.Perror(err, "can't change mode of '%s'", d)
				status = 1
			}
		}
		return status
	}
	srcs, dest, toDir, ok := installTargets(e, o, args)
	if !ok {
		return 1
	}
	c := copier{e: e, deref: true, force: true, preserve: o.Has("p"), verbose: o.Has("v")}
	status := 0
	for _, src := range srcs {
		dst := dest
		if toDir {
			dst = path.Join(dest, path.Base(src))
		}
		os.Remove(e.Path(dst)) // install replaces, it does not write into the old file
		if err := c.copy(src, dst, true); err != nil {
			status = 1
			continue
		}
		if err := finish(dst); err != nil {
			e.Perror(err, "can't change mode of '%s'", dst)
			status = 1
		}
	}
	return status
}

// installTargets is cp's target logic plus -D (make the leading directories).
func installTargets(e *applet.Env, o applet.Opts, args []string) ([]string, string, bool, bool) {
	if o.Has("D") {
		dir := o.Get("t", "")
		if dir == "" && len(args) > 0 {
			dir = path.Dir(args[len(args)-1])
		}
		if dir != "" {
			if err := mkdirAll(e, dir, 0o755, false); err != nil {
				e.Perror(err, "can't create directory '%s'", dir)
				return nil, "", false, false
			}
		}
	}
	return targets(e, o, args)
}

// owners resolves -o and -g (names from the container's /etc files, or
// numbers); -1 means unchanged.
func owners(e *applet.Env, user, group string) (uid, gid int, ok bool) {
	uid, gid = -1, -1
	lookup := func(file, name string) (int, bool) {
		if name == "" {
			return -1, true
		}
		if n, err := strconv.Atoi(name); err == nil {
			return n, true
		}
		for _, ent := range applet.ReadPasswd(file) {
			if ent.Name == name {
				return ent.ID, true
			}
		}
		return 0, false
	}
	if uid, ok = lookup("/etc/passwd", user); !ok {
		e.Errorf("unknown user %s", user)
		return 0, 0, false
	}
	if gid, ok = lookup("/etc/group", group); !ok {
		e.Errorf("unknown group %s", group)
		return 0, 0, false
	}
	return uid, gid, true
}
