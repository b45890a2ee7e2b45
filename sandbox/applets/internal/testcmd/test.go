// Package testcmd implements test and [ (POSIX conditional expressions) as
// busybox does: exit 0 for true, 1 for false, 2 for a syntax error.
package testcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Test evaluates a conditional expression: test EXPRESSION, [ EXPRESSION ].
func Test(e *applet.Env) int {
	args := e.Args[1:]
	if e.Name() == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			e.Errorf("missing ']'")
			return 2
		}
		args = args[:len(args)-1]
	}
	ok, err := Eval(e, args)
	if err != nil {
		e.Errorf("%v", err)
		return 2
	}
	if ok {
		return 0
	}
	return 1
}

// Eval evaluates the expression args, applying POSIX's rules for up to four
// arguments and a recursive-descent parser (-a binds tighter than -o) beyond.
func Eval(e *applet.Env, args []string) (bool, error) {
	p := &parser{e: e, args: args}
	switch len(args) {
	case 0:
		return false, nil
	case 1:
		return args[0] != "", nil
	case 2:
		if args[0] == "!" {
			return args[1] == "", nil
		}
		if isUnary(args[0]) {
			return p.unary(args[0], args[1])
		}
		return false, fmt.Errorf("%s: unknown operand", args[0])
	case 3:
		if isBinary(args[1]) {
			return p.binary(args[0], args[1], args[2])
		}
		if args[0] == "!" {
			v, err := Eval(e, args[1:])
			return !v, err
		}
		if args[0] == "(" && args[2] == ")" {
			return args[1] != "", nil
		}
	case 4:
		if args[0] == "!" {
			v, err := Eval(e, args[1:])
			return !v, err
		}
		if args[0] == "(" && args[3] == ")" {
			return Eval(e, args[1:3])
		}
	}
	v, err := p.or()
	if err == nil && p.pos < len(p.args) {
		err = fmt.Errorf("%s: unknown operand", p.args[p.pos])
	}
	return v, err
}

type parser struct {
	e    *applet.Env
	args []string
	pos  int
}

func (p *parser) peek() (string, bool) {
	if p.pos < len(p.args) {
		return p.args[p.pos], true
	}
	return "", false
}

func (p *parser) or() (bool, error) {
	v, err := p.and()
	for err == nil {
		if t, ok := p.peek(); !ok || t != "-o" {
			break
		}
		p.pos++
		var r bool
		r, err = p.and()
		v = v || r
	}
	return v, err
}

func (p *parser) and() (bool, error) {
	v, err := p.not()
	for err == nil {
		if t, ok := p.peek(); !ok || t != "-a" {
			break
		}
		p.pos++
		var r bool
		r, err = p.not()
		v = v && r
	}
	return v, err
}

func (p *parser) not() (bool, error) {
	if t, ok := p.peek(); ok && t == "!" {
		p.pos++
		v, err := p.not()
		return !v, err
	}
	return p.primary()
}

func (p *parser) primary() (bool, error) {
	t, ok := p.peek()
	if !ok {
		return false, errors.New("argument expected")
	}
	if t == "(" {
		p.pos++
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if c, ok := p.peek(); !ok || c != ")" {
			return false, errors.New("missing )")
		}
		p.pos++
		return v, nil
	}
	if p.pos+2 < len(p.args) && isBinary(p.args[p.pos+1]) {
		p.pos += 3
		return p.binary(t, p.args[p.pos-2], p.args[p.pos-1])
	}
	if isUnary(t) && p.pos+1 < len(p.args) {
		p.pos += 2
		return p.unary(t, p.args[p.pos-1])
	}
	p.pos++
	return t != "", nil
}

func isUnary(op string) bool {
	return len(op) == 2 && op[0] == '-' && strings.IndexByte("bcdefghknprsStuwxzLGO", op[1]) >= 0
}

func isBinary(op string) bool {
	switch op {
	case "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

func (p *parser) unary(op, arg string) (bool, error) {
	switch op {
	case "-z":
		return arg == "", nil
	case "-n":
		return arg != "", nil
	case "-t":
		_, err := strconv.Atoi(arg)
		if err != nil {
			return false, fmt.Errorf("invalid integer '%s'", arg)
		}
		return false, nil // WASI stdio is never a terminal.
	}
	stat := p.e.Stat
	if op == "-L" || op == "-h" {
		stat = p.e.Lstat
	}
	fi, err := stat(arg)
	if err != nil {
		return false, nil
	}
	m := fi.Mode()
	uid, gid := p.e.Credentials()
	fuid, fgid := applet.Owner(fi)
	switch op {
	case "-e":
		return true, nil
	case "-f":
		return m.IsRegular(), nil
	case "-d":
		return m.IsDir(), nil
	case "-s":
		return fi.Size() > 0, nil
	case "-L", "-h":
		return m&fs.ModeSymlink != 0, nil
	case "-p":
		return m&fs.ModeNamedPipe != 0, nil
	case "-S":
		return m&fs.ModeSocket != 0, nil
	case "-b":
		return m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0, nil
	case "-c":
		return m&fs.ModeCharDevice != 0, nil
	case "-u":
		return m&fs.ModeSetuid != 0, nil
	case "-g":
		return m&fs.ModeSetgid != 0, nil
	case "-k":
		return m&fs.ModeSticky != 0, nil
	case "-O":
		return fuid == uid, nil
	case "-G":
		return fgid == gid, nil
	case "-r", "-w", "-x":
		return accessible(m, op[1], uid, fuid, gid, fgid), nil
	}
	return false, fmt.Errorf("%s: unknown operand", op)
}

// accessible applies the permission bits as access(2) does; root may read
// and write anything and execute anything with an x bit or a directory.
func accessible(m fs.FileMode, what byte, uid, fuid, gid, fgid int) bool {
	bit := map[byte]fs.FileMode{'r': 4, 'w': 2, 'x': 1}[what]
	if uid == 0 {
		if what != 'x' {
			return true
		}
		return m.IsDir() || m&0o111 != 0
	}
	switch {
	case uid == fuid:
		return m&(bit<<6) != 0
	case gid == fgid:
		return m&(bit<<3) != 0
	}
	return m&bit != 0
}

func (p *parser) binary(a, op, b string) (bool, error) {
	switch op {
	case "=", "==":
		return a == b, nil
	case "!=":
		return a != b, nil
	case "-nt", "-ot", "-ef":
		fa, errA := os.Stat(p.e.Path(a))
		fb, errB := os.Stat(p.e.Path(b))
		switch op {
		case "-nt":
			return errA == nil && (errB != nil || fa.ModTime().After(fb.ModTime())), nil
		case "-ot":
			return errB == nil && (errA != nil || fa.ModTime().Before(fb.ModTime())), nil
		}
		return errA == nil && errB == nil && applet.SameFile(fa, fb), nil
	}
	x, err := number(a)
	if err != nil {
		return false, err
	}
	y, err := number(b)
	if err != nil {
		return false, err
	}
	switch op {
	case "-eq":
		return x == y, nil
	case "-ne":
		return x != y, nil
	case "-lt":
		return x < y, nil
	case "-le":
		return x <= y, nil
	case "-gt":
		return x > y, nil
	}
	return x >= y, nil
}

func number(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid integer '%s'", s)
	}
	return n, nil
}
