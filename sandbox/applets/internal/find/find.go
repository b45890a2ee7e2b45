package find

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// entry is one file find visits.
type entry struct {
	name  string // path as printed
	root  string // the starting point it was found under
	info  fs.FileInfo
	depth int
}

func (e entry) base() string {
	if e.name == "/" {
		return "/"
	}
	return path.Base(e.name)
}

type finder struct {
	e      *applet.Env
	opts   *options
	expr   *node
	pruned bool
	quit   bool
	failed bool
	// open are the directories being walked, to stop at symlink loops
	// under -L.
	open []entry
}

// Find searches directory trees: find [-HL] [PATH]... [EXPRESSION]
func Find(e *applet.Env) int {
	args := e.Args[1:]
	opts := &options{maxDepth: -1}
	for len(args) > 0 && (args[0] == "-L" || args[0] == "-H" || args[0] == "-P") {
		opts.follow = args[0] == "-L"
		opts.followArgs = args[0] == "-H"
		args = args[1:]
	}
	var roots []string
	for len(args) > 0 && !isExprStart(args[0]) {
		roots = append(roots, args[0])
		args = args[1:]
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	p := &exprParser{args: args, now: time.Now(), e: e, opts: opts}
	var expr *node
	if len(args) > 0 {
		var err error
		if expr, err = p.parseOr(); err == nil && p.more() {
			err = fmt.Errorf("unexpected '%s'", p.args[p.pos])
		}
		if err != nil {
			e.Errorf("%v", err)
			return 1
		}
	}
	printAll := leaf(func(f *finder, en entry) bool { f.output(en.name + "\n"); return true })
	switch {
	case expr == nil:
		expr = printAll
	case !expr.act:
		expr = &node{op: "and", l: expr, r: printAll}
	}
	f := &finder{e: e, opts: opts, expr: expr}
	for _, r := range roots {
		if f.quit {
			break
		}
		f.walk(r, r, 0)
	}
	if f.failed {
		return 1
	}
	return 0
}

func isExprStart(a string) bool {
	return (strings.HasPrefix(a, "-") && len(a) > 1) || a == "!" || a == "("
}

func (f *finder) walk(name, root string, depth int) {
	stat, lstat := os.Stat, os.Lstat
	if f.opts.meta { // -perm, -user...: ask the runtime for real modes
		stat = func(n string) (fs.FileInfo, error) { return f.e.Stat(name) }
		lstat = func(n string) (fs.FileInfo, error) { return f.e.Lstat(name) }
	}
	if !f.opts.follow && !(depth == 0 && f.opts.followArgs) {
		stat = lstat
	}
	fi, err := stat(f.e.Path(name))
	if err != nil {
		f.e.Perror(err, "%s", name)
		f.failed = true
		return
	}
	en := entry{name: name, root: root, info: fi, depth: depth}
	visit := depth >= f.opts.minDepth
	if !f.opts.depthFirst && visit {
		f.pruned = false
		f.eval(f.expr, en)
		if f.pruned || f.quit {
			return
		}
	}
	if fi.IsDir() && (f.opts.maxDepth < 0 || depth < f.opts.maxDepth) {
		if f.opts.follow {
			for _, a := range f.open {
				if applet.SameFile(a.info, fi) {
					f.e.Errorf("File system loop detected; '%s' is part of the same file system loop as '%s'.", name, a.name)
					f.failed = true
					return
				}
			}
			f.open = append(f.open, en)
			defer func() { f.open = f.open[:len(f.open)-1] }()
		}
		ents, err := os.ReadDir(f.e.Path(name))
		if err != nil {
			f.e.Perror(err, "%s", name)
			f.failed = true
		}
		for _, de := range ents {
			if f.quit {
				return
			}
			// Not path.Join: find prints "./a/b", keeping the operand as given.
			child := name + "/" + de.Name()
			if strings.HasSuffix(name, "/") {
				child = name + de.Name()
			}
			f.walk(child, root, depth+1)
		}
	}
	if f.opts.depthFirst && visit && !f.quit {
		f.eval(f.expr, en)
	}
}

func (f *finder) eval(n *node, e entry) bool {
	if f.opts.maxDepth >= 0 && e.depth > f.opts.maxDepth {
		return false
	}
	switch n.op {
	case "and":
		return f.eval(n.l, e) && f.eval(n.r, e)
	case "or":
		return f.eval(n.l, e) || f.eval(n.r, e)
	case "not":
		return !f.eval(n.l, e)
	}
	return n.eval(f, e)
}

// output writes find's own output, as a record when the host runs -exec.
func (f *finder) output(s string) {
	if f.opts.records {
		f.record('o', s)
		return
	}
	fmt.Fprint(f.e.Stdout, s)
}

// record writes one record of the -sockerless-exec stream: a kind byte, the
// payload length in decimal, a newline and the payload.
func (f *finder) record(kind byte, payload string) {
	fmt.Fprintf(f.e.Stdout, "%c%d\n%s", kind, len(payload), payload)
}
