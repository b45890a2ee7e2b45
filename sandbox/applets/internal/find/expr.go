// Package find implements find as busybox does: the tests -name -iname
// -path -ipath -regex -type -size -mtime -mmin -newer -perm -empty -user
// -group -links -inum, the actions -print -print0 -printf -delete -prune
// -quit, the operators ( ) ! -a -o and the options -maxdepth -mindepth
// -depth -L -H -xdev.
//
// -exec, -execdir, -ok and -okdir run commands, which WASI cannot: the
// sandbox's host shell rewrites each into "-sockerless-exec N" (see
// sandbox/find.go) and this applet then writes a record stream instead of
// plain output: "o" records carry output, "x" records ask the host to run
// exec N on a path. A record is the kind byte, the payload length in
// decimal, a newline and the payload.
package find

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/regex"
)

// node is one expression node; leaf tests carry eval.
type node struct {
	op   string // "and", "or", "not", "leaf"
	l, r *node
	eval func(f *finder, p entry) bool
	act  bool // an action: suppresses the implicit -print
}

type exprParser struct {
	args []string
	pos  int
	now  time.Time
	e    *applet.Env
	opts *options
}

// options are find's global options.
type options struct {
	maxDepth, minDepth int
	depthFirst         bool
	follow             bool // -L
	followArgs         bool // -H
	records            bool // -sockerless-exec present: write records
	meta               bool // a test needs permission bits or owners
}

func (p *exprParser) more() bool { return p.pos < len(p.args) }

func (p *exprParser) parseOr() (*node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.more() && (p.args[p.pos] == "-o" || p.args[p.pos] == "-or" || p.args[p.pos] == ",") {
		p.pos++
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &node{op: "or", l: l, r: r, act: l.act || r.act}
	}
	return l, nil
}

func (p *exprParser) parseAnd() (*node, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.more() {
		a := p.args[p.pos]
		if a == "-o" || a == "-or" || a == ")" || a == "," {
			break
		}
		if a == "-a" || a == "-and" {
			p.pos++
		}
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &node{op: "and", l: l, r: r, act: l.act || r.act}
	}
	return l, nil
}

func (p *exprParser) parseNot() (*node, error) {
	if p.more() && (p.args[p.pos] == "!" || p.args[p.pos] == "-not") {
		p.pos++
		n, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &node{op: "not", l: n, act: n.act}, nil
	}
	return p.parsePrimary()
}

func (p *exprParser) arg(name string) (string, error) {
	if p.pos >= len(p.args) {
		return "", fmt.Errorf("%s: requires an argument", name)
	}
	p.pos++
	return p.args[p.pos-1], nil
}

func (p *exprParser) parsePrimary() (*node, error) {
	if !p.more() {
		return nil, fmt.Errorf("expected an expression")
	}
	a := p.args[p.pos]
	p.pos++
	if a == "(" {
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if !p.more() || p.args[p.pos] != ")" {
			return nil, fmt.Errorf("missing ')'")
		}
		p.pos++
		return n, nil
	}
	return p.primary(a)
}

func leaf(f func(*finder, entry) bool) *node { return &node{op: "leaf", eval: f} }

func always(bool) *node { return leaf(func(*finder, entry) bool { return true }) }

// primary parses one test, action or option.
func (p *exprParser) primary(a string) (*node, error) {
	switch a {
	case "-maxdepth", "-mindepth":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid argument '%s' to '%s'", v, a)
		}
		if a == "-maxdepth" {
			p.opts.maxDepth = n
		} else {
			p.opts.minDepth = n
		}
		return always(true), nil
	case "-depth", "-d":
		p.opts.depthFirst = true
		return always(true), nil
	case "-xdev", "-mount", "-follow", "-noleaf", "-ignore_readdir_race":
		if a == "-follow" {
			p.opts.follow = true
		}
		return always(true), nil
	case "-true":
		return always(true), nil
	case "-false":
		return leaf(func(*finder, entry) bool { return false }), nil
	case "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename":
		pat, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		icase := strings.HasPrefix(a, "-i")
		if icase {
			pat = strings.ToLower(pat)
		}
		byPath := strings.Contains(a, "path") || strings.Contains(a, "wholename")
		return leaf(func(_ *finder, e entry) bool {
			s := e.base()
			if byPath {
				s = e.name
			}
			if icase {
				s = strings.ToLower(s)
			}
			return applet.Fnmatch(pat, s, false)
		}), nil
	case "-regex", "-iregex":
		pat, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		s, err := regex.Translate(pat, false)
		if err != nil {
			return nil, err
		}
		if a == "-iregex" {
			s = "(?i)" + s
		}
		re, err := regexp.Compile("^(?:" + s + ")$")
		if err != nil {
			return nil, fmt.Errorf("bad regex '%s'", pat)
		}
		return leaf(func(_ *finder, e entry) bool { return re.MatchString(e.name) }), nil
	case "-type":
		t, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		for _, c := range strings.Split(t, ",") {
			if len(c) != 1 || !strings.Contains("fdlpscb", c) {
				return nil, fmt.Errorf("unknown argument to -type: %s", t)
			}
		}
		return leaf(func(_ *finder, e entry) bool { return strings.Contains(t, typeLetter(e.info.Mode())) }), nil
	}
	return p.primary2(a)
}

func typeLetter(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "d"
	case m&fs.ModeSymlink != 0:
		return "l"
	case m&fs.ModeNamedPipe != 0:
		return "p"
	case m&fs.ModeSocket != 0:
		return "s"
	case m&fs.ModeCharDevice != 0:
		return "c"
	case m&fs.ModeDevice != 0:
		return "b"
	}
	return "f"
}
