package fileutils

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Du prints disk usage in 1K blocks: du [-aHLdchmks] [-d N] [FILE]...
//
// WASI reports no allocated blocks, so usage is each file's size rounded up
// to 4K blocks, what ext4 and overlayfs allocate for small files.
func Du(e *applet.Env) int {
	o, args, err := e.Getopt("aHLlcsxhmkd:", "max-depth=d:", "summarize=s", "human-readable=h", "total=c")
	if err != nil {
		return 1
	}
	maxDepth := -1
	if d := o.Get("d", ""); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return e.Fail("invalid number '%s'", d)
		}
		maxDepth = n
	}
	if o.Has("s") {
		maxDepth = 0
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	d := duWalker{e: e, o: o, maxDepth: maxDepth, seen: map[uint64]bool{}}
	var total int64
	for _, a := range args {
		total += d.walk(a, 0)
	}
	if o.Has("c") {
		d.print(total, "total")
	}
	if d.fail {
		return 1
	}
	return 0
}

type duWalker struct {
	e        *applet.Env
	o        applet.Opts
	maxDepth int
	seen     map[uint64]bool
	fail     bool
}

// walk returns the usage of name in 1K blocks, printing as du does.
func (d *duWalker) walk(name string, depth int) int64 {
	stat := os.Lstat
	if d.o.Has("L") || (depth == 0 && d.o.Has("H")) {
		stat = os.Stat
	}
	fi, err := stat(d.e.Path(name))
	if err != nil {
		d.e.Perror(err, "%s", name)
		d.fail = true
		return 0
	}
	if ino := applet.Ino(fi); ino != 0 && applet.Nlink(fi) > 1 && !fi.IsDir() {
		if d.seen[ino] {
			return 0
		}
		d.seen[ino] = true
	}
	size := blocks1K(fi)
	if fi.IsDir() {
		ents, err := os.ReadDir(d.e.Path(name))
		if err != nil {
			d.e.Perror(err, "%s", name)
			d.fail = true
		}
		for _, de := range ents {
			size += d.walk(path.Join(name, de.Name()), depth+1)
		}
	}
	if d.maxDepth < 0 || depth <= d.maxDepth {
		if fi.IsDir() || d.o.Has("a") || depth == 0 {
			d.print(size, name)
		}
	}
	return size
}

func blocks1K(fi fs.FileInfo) int64 {
	if fi.Mode()&fs.ModeSymlink != 0 {
		return 0
	}
	if fi.IsDir() {
		return 4
	}
	return (fi.Size() + 4095) / 4096 * 4
}

func (d *duWalker) print(kb int64, name string) {
	switch {
	case d.o.Has("h"):
		fmt.Fprintf(d.e.Stdout, "%s\t%s\n", applet.HumanSize(kb*1024), name)
	case d.o.Has("m"):
		fmt.Fprintf(d.e.Stdout, "%d\t%s\n", (kb+1023)/1024, name)
	default:
		fmt.Fprintf(d.e.Stdout, "%d\t%s\n", kb, name)
	}
}
