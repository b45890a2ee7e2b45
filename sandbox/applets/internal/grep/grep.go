// Package grep implements grep, egrep and fgrep with busybox's options,
// output and exit statuses (0 selected lines, 1 none, 2 error).
package grep

import (
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/regex"
)

type grepper struct {
	e        *applet.Env
	o        applet.Opts
	res      []*regexp.Regexp
	fixed    []string
	prefix   bool // print file names
	matched  bool
	failed   bool
	lastOut  int // line number of the last printed line in this file, for "--"
	printed  bool
	after    int
	before   int
	maxCount int
	open     []os.FileInfo // directories being searched, against -R loops
}

// Grep searches files for lines matching patterns:
// grep [-HhnlLoqvsrRiwFExcz] [-m N] [-A|B|C N] [-e PATTERN]... [-f FILE]... [PATTERN] [FILE]...
func Grep(e *applet.Env) int {
	o, args, err := e.Getopt("HhnlLoqvsrRiywFEGxcazIm:A:B:C:e:f:",
		"with-filename=H", "no-filename=h", "line-number=n", "files-with-matches=l", "files-without-match=L",
		"only-matching=o", "quiet=q", "silent=q", "invert-match=v", "no-messages=s", "recursive=r",
		"dereference-recursive=R", "ignore-case=i", "word-regexp=w", "fixed-strings=F", "extended-regexp=E",
		"basic-regexp=G", "line-regexp=x", "count=c", "text=a", "null-data=z", "max-count=m:",
		"after-context=A:", "before-context=B:", "context=C:", "regexp=e:", "file=f:",
		"include:", "exclude:", "exclude-dir:", "color:", "colour:", "color", "colour", "label:")
	if err != nil {
		return 2
	}
	switch e.Name() {
	case "egrep":
		o["E"] = append(o["E"], "")
	case "fgrep":
		o["F"] = append(o["F"], "")
	}
	g := &grepper{e: e, o: o, maxCount: -1}
	pats := o.All("e")
	for _, f := range o.All("f") {
		b, err := os.ReadFile(e.Path(f))
		if err != nil {
			e.Perror(err, "%s", f)
			return 2
		}
		pats = append(pats, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
	}
	if !o.Has("e") && !o.Has("f") {
		if len(args) == 0 {
			e.ShowUsage()
			return 2
		}
		pats, args = strings.Split(args[0], "\n"), args[1:]
	}
	if !g.compile(pats) {
		return 2
	}
	for _, k := range []struct {
		opt string
		dst *int
	}{{"A", &g.after}, {"B", &g.before}, {"C", &g.after}, {"m", &g.maxCount}} {
		if v := o.Get(k.opt, ""); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				e.Errorf("invalid number '%s'", v)
				return 2
			}
			*k.dst = n
			if k.opt == "C" {
				g.before = n
			}
		}
	}
	recursive := o.Has("r") || o.Has("R")
	if len(args) == 0 {
		args = []string{"-"}
	}
	g.prefix = (len(args) > 1 || recursive) && !o.Has("h") || o.Has("H")
	for _, name := range args {
		if recursive && name != "-" {
			g.walk(name, true)
		} else {
			g.file(name)
		}
		if g.matched && o.Has("q") {
			return 0
		}
	}
	switch {
	case g.failed && !(o.Has("q") && g.matched):
		return 2
	case g.matched:
		return 0
	}
	return 1
}

func (g *grepper) compile(pats []string) bool {
	o := g.o
	if o.Has("F") && !o.Has("w") && !o.Has("i") {
		g.fixed = pats
		return true
	}
	for _, p := range pats {
		if o.Has("F") {
			p = regexp.QuoteMeta(p)
		}
		s, err := regex.Translate(p, o.Has("E") || o.Has("F"))
		if o.Has("F") {
			s, err = p, nil
		}
		if err != nil {
			g.e.Errorf("bad regex '%s'", p)
			return false
		}
		switch {
		case o.Has("x"):
			s = "^(?:" + s + ")$"
		case o.Has("w"):
			s = `(?:^|\W)(` + s + `)(?:\W|$)`
		}
		if o.Has("i") || o.Has("y") {
			s = "(?i)" + s
		}
		re, err := regexp.Compile(s)
		if err != nil {
			g.e.Errorf("bad regex '%s'", p)
			return false
		}
		re.Longest()
		g.res = append(g.res, re)
	}
	return true
}

// walk searches a directory tree in name order.
func (g *grepper) walk(name string, top bool) {
	fi, err := os.Stat(g.e.Path(name))
	if err != nil {
		if !g.o.Has("s") {
			g.e.Perror(err, "%s", name)
		}
		g.failed = true
		return
	}
	if !fi.IsDir() {
		if top || g.included(path.Base(name)) {
			g.file(name)
		}
		return
	}
	if !top {
		for _, x := range g.o.All("exclude-dir") {
			if ok, _ := path.Match(x, path.Base(name)); ok {
				return
			}
		}
	}
	for _, a := range g.open {
		if os.SameFile(a, fi) {
			g.e.Errorf("%s: recursive directory loop", name)
			return
		}
	}
	g.open = append(g.open, fi)
	defer func() { g.open = g.open[:len(g.open)-1] }()
	ents, err := os.ReadDir(g.e.Path(name))
	if err != nil {
		g.e.Perror(err, "%s", name)
		g.failed = true
		return
	}
	for _, de := range ents {
		if de.Type()&os.ModeSymlink != 0 && !g.o.Has("R") {
			continue
		}
		// Not path.Join: grep prints "./a/b" for the operand ".".
		child := name + "/" + de.Name()
		if strings.HasSuffix(name, "/") {
			child = name + de.Name()
		}
		g.walk(child, false)
		if g.matched && g.o.Has("q") {
			return
		}
	}
}

func (g *grepper) included(base string) bool {
	for _, x := range g.o.All("exclude") {
		if ok, _ := path.Match(x, base); ok {
			return false
		}
	}
	inc := g.o.All("include")
	for _, x := range inc {
		if ok, _ := path.Match(x, base); ok {
			return true
		}
	}
	return len(inc) == 0
}

func (g *grepper) file(name string) {
	var r io.Reader
	if name == "-" {
		r = g.e.Stdin
	} else {
		fi, err := os.Stat(g.e.Path(name))
		if err == nil && fi.IsDir() {
			return // busybox skips directories without -r
		}
		f, err := os.Open(g.e.Path(name))
		if err != nil {
			if !g.o.Has("s") {
				g.e.Perror(err, "%s", name)
			}
			g.failed = true
			return
		}
		defer f.Close()
		r = f
	}
	display := name
	if name == "-" {
		display = g.o.Get("label", "(standard input)")
	}
	g.scan(r, display)
}
