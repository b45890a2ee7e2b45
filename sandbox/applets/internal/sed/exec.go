package sed

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"
)

// machine runs a parsed script.
type machine struct {
	cmds      []*command
	out       *bufio.Writer
	quiet     bool
	zero      bool
	open      func(name string) (io.WriteCloser, error)
	read      func(name string) ([]byte, error)
	wfiles    map[string]io.WriteCloser
	labels    map[string]int
	lastRE    *regexp.Regexp
	hold      string
	lineNo    int
	appendQ   []string // text queued by a, r, R for the end of the cycle
	exitCode  int
	quit      bool
	isLast    func() bool
	curNL     bool // the current line ended with a newline
	missingNL bool // output ends in a line without its newline
	maxSteps  int  // when > 0, stop after this many commands (fuzzing)
	steps     int
}

func newMachine(cmds []*command, out *bufio.Writer, quiet bool) (*machine, error) {
	m := &machine{cmds: cmds, out: out, quiet: quiet, wfiles: map[string]io.WriteCloser{}, labels: map[string]int{}}
	for i, c := range cmds {
		if c.name == ':' {
			if _, dup := m.labels[c.text]; dup {
				return nil, fmt.Errorf("%w: duplicate label '%s'", ErrSyntax, c.text)
			}
			m.labels[c.text] = i
		}
	}
	for _, c := range cmds {
		if (c.name == 'b' || c.name == 't' || c.name == 'T') && c.text != "" {
			if _, ok := m.labels[c.text]; !ok {
				return nil, fmt.Errorf("%w: can't find label for jump to '%s'", ErrSyntax, c.text)
			}
		}
	}
	return m, nil
}

func (m *machine) term() string {
	if m.zero {
		return "\x00"
	}
	return "\n"
}

func (m *machine) regex(re *regexp.Regexp) (*regexp.Regexp, error) {
	if re == nil {
		if m.lastRE == nil {
			return nil, fmt.Errorf("no previous regular expression")
		}
		return m.lastRE, nil
	}
	m.lastRE = re
	return re, nil
}

// matchAddr reports whether a single address selects the current line.
func (m *machine) matchAddr(a address, ps string) (bool, error) {
	switch a.kind {
	case addrLine:
		return m.lineNo == a.n, nil
	case addrLast:
		return m.isLast(), nil
	case addrStep:
		if a.step <= 0 {
			return m.lineNo == a.n, nil
		}
		return m.lineNo >= a.n && (m.lineNo-a.n)%a.step == 0, nil
	case addrRegex:
		re, err := m.regex(a.re)
		if err != nil {
			return false, err
		}
		return re.MatchString(ps), nil
	}
	return false, nil
}

// selected applies c's addresses, tracking ranges.
func (m *machine) selected(c *command, ps string) (bool, error) {
	if c.a1.kind == addrNone {
		return !c.negate, nil
	}
	var hit bool
	if c.a2.kind == addrNone {
		ok, err := m.matchAddr(c.a1, ps)
		if err != nil {
			return false, err
		}
		hit = ok
	} else {
		ok, err := m.inRange(c, ps)
		if err != nil {
			return false, err
		}
		hit = ok
	}
	return hit != c.negate, nil
}

func (m *machine) inRange(c *command, ps string) (bool, error) {
	if !*c.inRange {
		start := c.a1.kind == addrZero
		if start && m.lineNo != 1 {
			return false, nil // 0,/re/ can only start before the first line
		}
		if !start {
			ok, err := m.matchAddr(c.a1, ps)
			if err != nil || !ok {
				return false, err
			}
		}
		*c.inRange = true
		c.a2.step = m.lineNo // range start, for +N
		switch c.a2.kind {
		case addrLine:
			if c.a2.n <= m.lineNo {
				*c.inRange = false
			}
		case addrPlus:
			if c.a2.n == 0 {
				*c.inRange = false
			}
		case addrMult:
			if c.a2.n <= 0 || m.lineNo%c.a2.n == 0 {
				*c.inRange = false
			}
		case addrRegex:
			if start {
				ok, err := m.matchAddr(c.a2, ps)
				if err != nil {
					return false, err
				}
				*c.inRange = !ok
			}
		case addrLast:
			*c.inRange = !m.isLast()
		}
		return true, nil
	}
	end := false
	switch c.a2.kind {
	case addrLine:
		end = m.lineNo >= c.a2.n
	case addrPlus:
		end = m.lineNo >= c.a2.step+c.a2.n
	case addrMult:
		end = m.lineNo%c.a2.n == 0
	default:
		ok, err := m.matchAddr(c.a2, ps)
		if err != nil {
			return false, err
		}
		end = ok
	}
	if end {
		*c.inRange = false
	}
	return true, nil
}

// substitute runs an s command on ps and reports whether it replaced.
func (m *machine) substitute(c *command, ps string) (string, bool, error) {
	re, err := m.regex(c.re)
	if err != nil {
		return ps, false, err
	}
	limit := max(c.nth, 1)
	if c.global {
		limit = -1
	}
	// FindAll skips empty matches next to the previous match, as sed does.
	// Without \1..\9 in the replacement the cheaper FindAllStringIndex will do.
	var matches [][]int
	if usesGroups(c.repl) {
		matches = re.FindAllStringSubmatchIndex(ps, limit)
	} else {
		matches = re.FindAllStringIndex(ps, limit)
	}
	var b strings.Builder
	pos, replaced := 0, false
	for i, loc := range matches {
		count := i + 1
		if count < c.nth {
			continue
		}
		b.WriteString(ps[pos:loc[0]])
		b.WriteString(expand(c.repl, ps, loc))
		pos = loc[1]
		replaced = true
	}
	if !replaced {
		return ps, false, nil
	}
	b.WriteString(ps[pos:])
	return b.String(), true, nil
}

// expand builds one replacement with GNU's \U \L \E \u \l case conversions.
func expand(parts []replPart, s string, loc []int) string {
	var b strings.Builder
	mode, once := byte(0), byte(0)
	write := func(t string) {
		for _, r := range t {
			switch {
			case once == 'u':
				r, once = unicode.ToUpper(r), 0
			case once == 'l':
				r, once = unicode.ToLower(r), 0
			case mode == 'U':
				r = unicode.ToUpper(r)
			case mode == 'L':
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	}
	for _, p := range parts {
		switch {
		case p.conv == 'u' || p.conv == 'l':
			once = p.conv
		case p.conv != 0:
			mode = p.conv
			if mode == 'E' {
				mode = 0
			}
		case p.group < 0:
			write(p.lit)
		case 2*p.group+1 < len(loc) && loc[2*p.group] >= 0:
			write(s[loc[2*p.group]:loc[2*p.group+1]])
		}
	}
	return b.String()
}

// visible renders the pattern space as the l command does.
func visible(s string, width int) string {
	var b strings.Builder
	col := 0
	put := func(t string) {
		if width > 1 && col+len(t) > width-1 {
			b.WriteString("\\\n")
			col = 0
		}
		b.WriteString(t)
		col += len(t)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			put(`\\`)
		case c == '\a':
			put(`\a`)
		case c == '\b':
			put(`\b`)
		case c == '\f':
			put(`\f`)
		case c == '\n':
			put(`\n`)
		case c == '\r':
			put(`\r`)
		case c == '\t':
			put(`\t`)
		case c == '\v':
			put(`\v`)
		case c < ' ' || c >= 0x7f:
			put(fmt.Sprintf("\\%03o", c))
		default:
			put(string(c))
		}
	}
	b.WriteString("$")
	return b.String()
}

func (m *machine) writeFile(name, text string) error {
	var w io.WriteCloser
	switch name {
	case "/dev/stdout":
		m.out.WriteString(text + m.term())
		return nil
	case "/dev/stderr":
		fmt.Fprint(os.Stderr, text+m.term())
		return nil
	}
	w, ok := m.wfiles[name]
	if !ok {
		var err error
		if w, err = m.open(name); err != nil {
			return err
		}
		m.wfiles[name] = w
	}
	_, err := io.WriteString(w, text+m.term())
	return err
}

// usesGroups reports whether a replacement refers to \1..\9.
func usesGroups(parts []replPart) bool {
	for _, p := range parts {
		if p.group > 0 {
			return true
		}
	}
	return false
}
