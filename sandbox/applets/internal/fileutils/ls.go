package fileutils

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// lsEntry is one name ls prints, with the name as given and its lstat.
type lsEntry struct {
	name string // as printed
	path string // as opened
	info fs.FileInfo
}

type lister struct {
	e    *applet.Env
	o    applet.Opts
	now  time.Time
	ids  *applet.IDNames
	fail bool
}

// Ls lists directory contents, one name per line as busybox does when
// standard output is not a terminal: ls [-1aAlRdrtSFphnicu] [FILE]...
func Ls(e *applet.Env) int {
	o, args, err := e.Getopt("1aAlRdrtSFphnicuCx", "all=a", "almost-all=A", "recursive=R", "reverse=r", "human-readable=h", "directory=d", "classify=F")
	if err != nil {
		return 1
	}
	if o.Has("n") {
		o["l"] = append(o["l"], "")
	}
	l := &lister{e: e, o: o, now: time.Now().In(e.Location())}
	if len(args) == 0 {
		args = []string{"."}
	}
	var files, dirs []lsEntry
	for _, a := range args {
		fi, err := e.Lstat(a)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 && !o.Has("l") && !o.Has("d") && !o.Has("F") {
			fi, err = e.Stat(a)
		}
		if err != nil {
			e.Perror(err, "%s", a)
			l.fail = true
			continue
		}
		ent := lsEntry{name: a, path: e.Path(a), info: fi}
		if fi.IsDir() && !o.Has("d") {
			dirs = append(dirs, ent)
		} else {
			files = append(files, ent)
		}
	}
	l.sort(files)
	l.sort(dirs)
	for _, f := range files {
		l.print(f)
	}
	showHeader := len(args) > 1 || o.Has("R")
	for i, d := range dirs {
		if i > 0 || len(files) > 0 {
			fmt.Fprintln(e.Stdout)
		}
		l.dir(d, showHeader)
	}
	if l.fail {
		return 1
	}
	return 0
}

func (l *lister) dir(d lsEntry, header bool) {
	if header {
		fmt.Fprintf(l.e.Stdout, "%s:\n", d.name)
	}
	ents, err := os.ReadDir(d.path)
	if err != nil {
		l.e.Perror(err, "can't open '%s'", d.name)
		l.fail = true
		return
	}
	var list []lsEntry
	if l.o.Has("a") {
		for _, n := range []string{".", ".."} {
			if fi, err := l.e.Lstat(path.Join(d.name, n)); err == nil {
				list = append(list, lsEntry{name: n, path: path.Join(d.path, n), info: fi})
			}
		}
	}
	for _, de := range ents {
		if strings.HasPrefix(de.Name(), ".") && !l.o.Has("a") && !l.o.Has("A") {
			continue
		}
		fi, err := de.Info()
		if l.o.Has("l") || l.o.Has("F") {
			fi, err = l.e.Lstat(path.Join(d.name, de.Name())) // with real modes
		}
		if err != nil {
			continue
		}
		list = append(list, lsEntry{name: de.Name(), path: path.Join(d.path, de.Name()), info: fi})
	}
	l.sort(list)
	if l.o.Has("l") {
		var blocks int64
		for _, f := range list {
			blocks += (f.info.Size() + 1023) / 1024
		}
		fmt.Fprintf(l.e.Stdout, "total %d\n", blocks)
	}
	for _, f := range list {
		l.print(f)
	}
	if !l.o.Has("R") {
		return
	}
	for _, f := range list {
		if f.info.IsDir() && f.name != "." && f.name != ".." {
			fmt.Fprintln(l.e.Stdout)
			name := d.name + "/" + f.name // "./sub" for ".", as busybox prints
			if strings.HasSuffix(d.name, "/") {
				name = d.name + f.name
			}
			l.dir(lsEntry{name: name, path: f.path, info: f.info}, true)
		}
	}
}

func (l *lister) sort(list []lsEntry) {
	slices.SortStableFunc(list, func(a, b lsEntry) int {
		var c int
		switch {
		case l.o.Has("t"):
			c = b.info.ModTime().Compare(a.info.ModTime())
		case l.o.Has("S"):
			c = int(b.info.Size() - a.info.Size())
		}
		if c == 0 {
			c = strings.Compare(a.name, b.name)
		}
		if l.o.Has("r") {
			c = -c
		}
		return c
	})
}

func (l *lister) print(f lsEntry) {
	w := l.e.Stdout
	if l.o.Has("i") {
		fmt.Fprintf(w, "%8d ", applet.Ino(f.info))
	}
	if l.o.Has("l") {
		l.long(f)
	}
	name := f.name
	if l.o.Has("l") && f.info.Mode()&fs.ModeSymlink != 0 {
		if t, err := os.Readlink(f.path); err == nil {
			name += " -> " + t
		}
	}
	fmt.Fprintf(w, "%s%s\n", name, l.suffix(f.info))
}

func (l *lister) suffix(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsDir() && (l.o.Has("F") || l.o.Has("p")):
		return "/"
	case !l.o.Has("F"):
		return ""
	case m&fs.ModeSymlink != 0:
		return "@"
	case m&fs.ModeNamedPipe != 0:
		return "|"
	case m&fs.ModeSocket != 0:
		return "="
	case m&0o111 != 0:
		return "*"
	}
	return ""
}

func (l *lister) long(f lsEntry) {
	w := l.e.Stdout
	uid, gid := applet.Owner(f.info)
	fmt.Fprintf(w, "%-10s %4d ", applet.ModeString(f.info.Mode()), applet.Nlink(f.info))
	if l.o.Has("n") {
		fmt.Fprintf(w, "%-8d %-8d ", uid, gid)
	} else {
		if l.ids == nil {
			l.ids = applet.LoadIDNames()
		}
		fmt.Fprintf(w, "%-8.8s %-8.8s ", l.ids.User(uid), l.ids.Group(gid))
	}
	if l.o.Has("h") {
		fmt.Fprintf(w, "%5s ", applet.HumanSize(f.info.Size()))
	} else {
		fmt.Fprintf(w, "%9d ", f.info.Size())
	}
	t := f.info.ModTime().In(l.now.Location())
	if age := l.now.Sub(t); age < 365*24*time.Hour/2 && age > -15*time.Minute {
		fmt.Fprintf(w, "%s ", t.Format("Jan _2 15:04"))
	} else {
		fmt.Fprintf(w, "%s %5d ", t.Format("Jan _2"), t.Year())
	}
}
