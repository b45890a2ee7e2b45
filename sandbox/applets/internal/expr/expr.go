// Package expr implements expr as busybox does: integer arithmetic on
// 64-bit numbers, comparisons, regular-expression matching (BRE anchored at
// the start) and the GNU string functions match, substr, index and length.
// It exits 0 when the result is neither null nor 0, 1 when it is, and 2 on
// errors.
package expr

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/regex"
)

// value is a string that may also be an integer.
type value struct {
	s     string
	n     int64
	isNum bool
}

func str(s string) value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return value{s: s, n: n, isNum: true}
	}
	return value{s: s}
}

func num(n int64) value { return value{s: strconv.FormatInt(n, 10), n: n, isNum: true} }

func (v value) null() bool { return v.s == "" || (v.isNum && v.n == 0) }

// ErrSyntax is a malformed expression.
var ErrSyntax = errors.New("syntax error")

// Expr evaluates an expression: expr EXPRESSION
func Expr(e *applet.Env) int {
	v, err := Eval(e.Args[1:])
	if err != nil {
		e.Errorf("%v", err)
		return 2
	}
	fmt.Fprintln(e.Stdout, v)
	if str(v).null() {
		return 1
	}
	return 0
}

// Eval evaluates args and returns the result as printed.
func Eval(args []string) (string, error) {
	p := &parser{args: args}
	v, err := p.or()
	if err != nil {
		return "", err
	}
	if p.pos != len(p.args) {
		return "", ErrSyntax
	}
	return v.s, nil
}

type parser struct {
	args []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.args) {
		return p.args[p.pos]
	}
	return ""
}

func (p *parser) or() (value, error) {
	l, err := p.and()
	for err == nil && p.peek() == "|" && p.pos < len(p.args) {
		p.pos++
		var r value
		if r, err = p.and(); err == nil && l.null() {
			l = r
			if r.null() {
				l = num(0)
			}
		}
	}
	return l, err
}

func (p *parser) and() (value, error) {
	l, err := p.compare()
	for err == nil && p.peek() == "&" && p.pos < len(p.args) {
		p.pos++
		var r value
		if r, err = p.compare(); err == nil && (l.null() || r.null()) {
			l = num(0)
		}
	}
	return l, err
}

func (p *parser) compare() (value, error) {
	l, err := p.additive()
	for err == nil {
		op := p.peek()
		if op != "=" && op != "==" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=" {
			break
		}
		p.pos++
		var r value
		if r, err = p.additive(); err != nil {
			break
		}
		c := 0
		if l.isNum && r.isNum {
			c = cmpInt(l.n, r.n)
		} else {
			c = cmpStr(l.s, r.s)
		}
		ok := map[string]bool{"=": c == 0, "==": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
		l = num(0)
		if ok {
			l = num(1)
		}
	}
	return l, err
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *parser) additive() (value, error) {
	l, err := p.multiplicative()
	for err == nil && (p.peek() == "+" || p.peek() == "-") && p.pos < len(p.args) {
		op := p.args[p.pos]
		p.pos++
		var r value
		if r, err = p.multiplicative(); err != nil {
			break
		}
		if !l.isNum || !r.isNum {
			return value{}, errors.New("non-numeric argument")
		}
		if op == "+" {
			l = num(l.n + r.n)
		} else {
			l = num(l.n - r.n)
		}
	}
	return l, err
}

func (p *parser) multiplicative() (value, error) {
	l, err := p.match()
	for err == nil && (p.peek() == "*" || p.peek() == "/" || p.peek() == "%") && p.pos < len(p.args) {
		op := p.args[p.pos]
		p.pos++
		var r value
		if r, err = p.match(); err != nil {
			break
		}
		if !l.isNum || !r.isNum {
			return value{}, errors.New("non-numeric argument")
		}
		switch {
		case op == "*":
			l = num(l.n * r.n)
		case r.n == 0:
			return value{}, errors.New("division by zero")
		case op == "/":
			l = num(l.n / r.n)
		default:
			l = num(l.n % r.n)
		}
	}
	return l, err
}

func (p *parser) match() (value, error) {
	l, err := p.unary()
	for err == nil && p.peek() == ":" && p.pos < len(p.args) {
		p.pos++
		var r value
		if r, err = p.unary(); err != nil {
			break
		}
		l, err = matchRE(l.s, r.s)
	}
	return l, err
}

// matchRE is STRING : REGEX, anchored at the start: the \(...\) group or
// the length of the match.
func matchRE(s, pat string) (value, error) {
	tr, err := regex.Translate(pat, false)
	if err != nil {
		return value{}, err
	}
	re, err := regexp.Compile("^(?:" + tr + ")")
	if err != nil {
		return value{}, fmt.Errorf("bad regex '%s'", pat)
	}
	re.Longest()
	m := re.FindStringSubmatchIndex(s)
	if re.NumSubexp() > 0 {
		if m == nil || m[2] < 0 {
			return value{s: ""}, nil
		}
		return str(s[m[2]:m[3]]), nil
	}
	if m == nil {
		return num(0), nil
	}
	return num(int64(len([]rune(s[:m[1]])))), nil
}
