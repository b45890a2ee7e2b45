// Package sed implements sed as busybox and GNU sed do: addresses (N, $,
// /RE/, \cREc, first~step, addr,+N, addr,~N, 0,/RE/), the commands
// {} ! s y d D p P n N a i c q Q = l r w h H g G x b t T : #, and the
// options -n -e -f -i[SUFFIX] -E/-r -s -z.
package sed

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/regex"
)

// addrKind says what an address matches.
type addrKind int

const (
	addrNone  addrKind = iota
	addrLine           // line number n
	addrLast           // $
	addrRegex          // /re/
	addrStep           // first~step
	addrZero           // 0 (only as 0,/re/)
	addrPlus           // +n (second address only)
	addrMult           // ~n (second address only)
)

type address struct {
	kind    addrKind
	n, step int
	re      *regexp.Regexp // nil with addrRegex means "last regex used"
}

// command is one parsed sed command.
type command struct {
	a1, a2  address
	negate  bool
	name    byte
	text    string // a i c text, label for b t T :, file for r w
	re      *regexp.Regexp
	repl    []replPart
	global  bool
	nth     int
	print   int // s///p count
	wfile   string
	exit    int // q Q exit code
	ymap    map[rune]rune
	block   int // for '{': index of matching '}'
	inRange *bool
}

// replPart is a literal, a group reference (& is 0) or a case conversion.
type replPart struct {
	lit   string
	group int  // -1 for literal
	conv  byte // 'L' 'U' 'E' 'l' 'u' or 0
}

// ErrSyntax wraps every script parse error.
var ErrSyntax = errors.New("sed script error")

type parser struct {
	s        string
	i        int
	extended bool
	cmds     []*command
	blocks   []int
}

// Parse parses a script (all -e and -f parts joined by newlines).
func Parse(script string, extended bool) ([]*command, error) {
	p := &parser{s: script, extended: extended}
	if err := p.parse(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return p.cmds, nil
}

func (p *parser) eof() bool { return p.i >= len(p.s) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

func (p *parser) skipSpace() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *parser) parse() error {
	for {
		p.skipSpace()
		for !p.eof() && (p.peek() == '\n' || p.peek() == ';' || p.peek() == ' ' || p.peek() == '\t') {
			p.i++
		}
		if p.eof() {
			break
		}
		if p.peek() == '#' {
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
			continue
		}
		c := &command{}
		if err := p.addresses(c); err != nil {
			return err
		}
		p.skipSpace()
		for p.peek() == '!' {
			c.negate = true
			p.i++
			p.skipSpace()
		}
		if p.eof() {
			return errors.New("missing command")
		}
		c.name = p.s[p.i]
		p.i++
		if err := p.body(c); err != nil {
			return err
		}
		p.cmds = append(p.cmds, c)
	}
	if len(p.blocks) > 0 {
		return errors.New("unmatched '{'")
	}
	return nil
}

func (p *parser) addresses(c *command) error {
	var err error
	if c.a1, err = p.address(false); err != nil {
		return err
	}
	if c.a1.kind == addrNone {
		return nil
	}
	p.skipSpace()
	if p.peek() != ',' {
		if c.a1.kind == addrZero {
			return errors.New("invalid usage of line address 0")
		}
		return nil
	}
	p.i++
	p.skipSpace()
	if c.a2, err = p.address(true); err != nil {
		return err
	}
	if c.a2.kind == addrNone {
		return errors.New("unexpected ','")
	}
	if c.a1.kind == addrZero && c.a2.kind != addrRegex {
		return errors.New("invalid usage of line address 0")
	}
	c.inRange = new(bool)
	return nil
}

func (p *parser) number() (int, bool) {
	start := p.i
	for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
		p.i++
	}
	if start == p.i {
		return 0, false
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	return n, err == nil
}

func (p *parser) address(second bool) (address, error) {
	switch c := p.peek(); {
	case c == '$':
		p.i++
		return address{kind: addrLast}, nil
	case c >= '0' && c <= '9':
		n, _ := p.number()
		if p.peek() == '~' {
			p.i++
			step, _ := p.number()
			return address{kind: addrStep, n: n, step: step}, nil
		}
		if n == 0 && !second {
			return address{kind: addrZero}, nil
		}
		return address{kind: addrLine, n: n}, nil
	case (c == '+' || c == '~') && second:
		p.i++
		n, ok := p.number()
		if !ok {
			return address{}, fmt.Errorf("expected number after '%c'", c)
		}
		if c == '+' {
			return address{kind: addrPlus, n: n}, nil
		}
		return address{kind: addrMult, n: n}, nil
	case c == '/' || c == '\\':
		if c == '\\' {
			p.i++
			if p.eof() || p.peek() == '\n' {
				return address{}, errors.New("unexpected end of address")
			}
		}
		delim := p.s[p.i]
		p.i++
		pat, err := p.delimited(delim, true)
		if err != nil {
			return address{}, err
		}
		icase := false
		for p.peek() == 'I' || p.peek() == 'M' {
			icase = icase || p.peek() == 'I'
			p.i++
		}
		re, err := p.compile(pat, icase)
		return address{kind: addrRegex, re: re}, err
	}
	return address{}, nil
}

// delimited reads up to an unescaped delim; "\delim" becomes delim, and in
// a regex "\n" stays for the translator. Newlines inside a bracket
// expression do not end it.
func (p *parser) delimited(delim byte, isRegex bool) (string, error) {
	var b strings.Builder
	inBracket := false
	for !p.eof() {
		c := p.s[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.s):
			next := p.s[p.i+1]
			p.i += 2
			switch {
			case next == delim && delim != '&':
				if isRegex && strings.IndexByte(".*[]^$", delim) >= 0 {
					b.WriteByte('\\')
				}
				b.WriteByte(delim)
			case next == '\n' && !isRegex:
				b.WriteByte('\n')
			default:
				b.WriteByte('\\')
				b.WriteByte(next)
			}
			continue
		case isRegex && c == '[' && !inBracket:
			inBracket = true
			b.WriteByte(c)
			p.i++
			if p.peek() == '^' {
				b.WriteByte('^')
				p.i++
			}
			if p.peek() == ']' {
				b.WriteByte(']')
				p.i++
			}
			continue
		case inBracket && c == ']':
			inBracket = false
		case c == delim && !inBracket:
			p.i++
			return b.String(), nil
		case c == '\n' && !inBracket && isRegex:
			return "", fmt.Errorf("unterminated address regex")
		}
		b.WriteByte(c)
		p.i++
	}
	return "", fmt.Errorf("unmatched '%c'", delim)
}

// compile compiles a sed regex; "" means the last regex, resolved at run time.
func (p *parser) compile(pat string, icase bool) (*regexp.Regexp, error) {
	if pat == "" {
		return nil, nil
	}
	s, err := regex.Translate(pat, p.extended)
	if err != nil {
		return nil, err
	}
	flags := "(?s)"
	if icase {
		flags = "(?si)"
	}
	re, err := regexp.Compile(flags + s)
	if err != nil {
		return nil, err
	}
	re.Longest()
	return re, nil
}
