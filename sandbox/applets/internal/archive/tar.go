// Package archive implements tar, gzip, gunzip and zcat with the standard
// library's archive/tar and compress/gzip, and busybox's command lines.
//
// Extraction never writes outside the target directory: leading '/' and
// "../" are stripped (with busybox's warning), other ".." members are
// skipped, parent symlinks are followed only while they stay inside, and an
// existing symlink at a member's own path is replaced, never written through.
package archive

import (
	"archive/tar"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// tarOpts are the parsed tar options.
type tarOpts struct {
	o          applet.Opts
	members    []string
	excludes   []string
	strip      int
	dir        string
	warnedLead map[string]bool
}

// Tar creates, extracts or lists archives:
// tar c|x|t [-zjvhpmkO] [-f FILE] [-C DIR] [-T FILE] [-X FILE] [--exclude PAT] [--strip-components N] [FILE]...
func Tar(e *applet.Env) int {
	e.Args = oldStyle(e.Args)
	o, args, err := e.Getopt("cxtf:C:zjJZvhpmkoOT:X:aP", "create=c", "extract=x", "get=x", "list=t", "file=f:",
		"directory=C:", "gzip=z", "gunzip=z", "bzip2=j", "verbose=v", "dereference=h", "preserve-permissions=p",
		"touch=m", "keep-old-files=k", "no-same-owner=o", "to-stdout=O", "files-from=T:", "exclude-from=X:",
		"exclude:", "strip-components:", "numeric-owner", "no-same-permissions", "same-owner", "owner:", "group:",
		"mode:", "mtime:", "overwrite", "absolute-names=P", "auto-compress=a", "no-recursion", "wildcards", "sort:")
	if err != nil {
		return 1
	}
	t := &tarOpts{o: o, members: args, excludes: o.All("exclude"), dir: o.Get("C", ""), warnedLead: map[string]bool{}}
	if s := o.Get("strip-components", ""); s != "" {
		fmt.Sscanf(s, "%d", &t.strip)
	}
	for _, x := range o.All("X") {
		b, err := os.ReadFile(e.Path(x))
		if err != nil {
			e.Perror(err, "can't open '%s'", x)
			return 1
		}
		t.excludes = append(t.excludes, strings.Fields(string(b))...)
	}
	for _, l := range o.All("T") {
		b, err := readMaybeStdin(e, l)
		if err != nil {
			e.Perror(err, "can't open '%s'", l)
			return 1
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line != "" {
				t.members = append(t.members, line)
			}
		}
	}
	if f := o.Get("f", "-"); o.Has("a") && (strings.HasSuffix(f, ".gz") || strings.HasSuffix(f, ".tgz")) {
		o["z"] = append(o["z"], "")
	}
	modes := 0
	for _, m := range []string{"c", "x", "t"} {
		if o.Has(m) {
			modes++
		}
	}
	if modes != 1 {
		return e.Fail("need exactly one of 'c', 'x' or 't'")
	}
	if o.Has("J") || o.Has("Z") {
		return e.Fail("xz and compress archives are not supported in the sandbox")
	}
	if o.Has("c") {
		return t.create(e)
	}
	return t.read(e)
}

// oldStyle turns "tar czf X.tgz dir" into "tar -c -z -f X.tgz dir".
func oldStyle(args []string) []string {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return args
	}
	out := []string{args[0]}
	rest := args[2:]
	for _, c := range args[1] {
		out = append(out, "-"+string(c))
		if strings.ContainsRune("fCTX", c) && len(rest) > 0 {
			out = append(out, rest[0])
			rest = rest[1:]
		}
	}
	return append(out, rest...)
}

func readMaybeStdin(e *applet.Env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.Stdin)
	}
	return os.ReadFile(e.Path(name))
}

func (t *tarOpts) excluded(name string) bool {
	for _, x := range t.excludes {
		x = strings.TrimSuffix(x, "/")
		base := name[strings.LastIndexByte(strings.TrimSuffix(name, "/"), '/')+1:]
		if applet.Fnmatch(x, strings.TrimSuffix(name, "/"), false) || applet.Fnmatch(x, strings.TrimSuffix(base, "/"), false) {
			return true
		}
	}
	return false
}

// read lists or extracts an archive.
func (t *tarOpts) read(e *applet.Env) int {
	f := t.o.Get("f", "-")
	var in io.Reader = e.Stdin
	if f != "-" {
		file, err := os.Open(e.Path(f))
		if err != nil {
			e.Perror(err, "can't open '%s'", f)
			return 1
		}
		defer file.Close()
		in = file
	}
	switch {
	case t.o.Has("z"):
		zr, err := gzip.NewReader(in)
		if err != nil {
			return e.Fail("invalid gzip magic")
		}
		defer zr.Close()
		in = zr
	case t.o.Has("j"):
		in = bzip2.NewReader(in)
	}
	tr := tar.NewReader(in)
	status := 0
	matched := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			e.Errorf("%v", err)
			return 1
		}
		if !t.selected(h.Name, matched) || t.excluded(h.Name) {
			continue
		}
		if t.o.Has("t") {
			t.list(e, h)
			continue
		}
		if err := t.extract(e, tr, h); err != nil {
			status = 1
		}
	}
	for _, m := range t.members {
		if !matched[strings.TrimSuffix(m, "/")] {
			e.Errorf("%s: not found in archive", m)
			status = 1
		}
	}
	return status
}

// selected reports whether member name is wanted (no operands: all).
func (t *tarOpts) selected(name string, matched map[string]bool) bool {
	if len(t.members) == 0 {
		return true
	}
	n := strings.TrimSuffix(name, "/")
	for _, m := range t.members {
		m = strings.TrimSuffix(m, "/")
		if n == m || strings.HasPrefix(n, m+"/") || applet.Fnmatch(m, n, false) {
			matched[m] = true
			return true
		}
	}
	return false
}

func (t *tarOpts) list(e *applet.Env, h *tar.Header) {
	if !t.o.Has("v") {
		fmt.Fprintln(e.Stdout, h.Name)
		return
	}
	owner := h.Uname
	if owner == "" {
		owner = fmt.Sprint(h.Uid)
	}
	group := h.Gname
	if group == "" {
		group = fmt.Sprint(h.Gid)
	}
	name := h.Name
	switch h.Typeflag {
	case tar.TypeSymlink:
		name += " -> " + h.Linkname
	case tar.TypeLink:
		name += " link to " + h.Linkname
	}
	fmt.Fprintf(e.Stdout, "%s %s/%s %9d %s %s\n", applet.ModeString(h.FileInfo().Mode()), owner, group,
		h.Size, h.ModTime.In(e.Location()).Format("2006-01-02 15:04:05"), name)
}
