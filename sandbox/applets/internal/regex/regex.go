// Package regex translates POSIX basic and extended regular expressions
// (with the GNU extensions busybox accepts: \+ \? \| \< \> \w \s \b) to Go's
// RE2 syntax, compiled for leftmost-longest matching as POSIX requires.
//
// RE2 has no back-references; a pattern using \1..\9 is rejected with
// [ErrBackref] rather than matched wrongly.
package regex

import (
	"errors"
	"regexp"
	"strings"
)

// ErrBackref is returned for patterns with back-references, which Go's
// linear-time engine cannot match.
var ErrBackref = errors.New("back-references are not supported")

// Compile compiles a POSIX regular expression: basic (BRE, as grep and
// sed use by default) unless extended (ERE, grep -E, sed -E, awk).
func Compile(pattern string, extended, icase bool) (*regexp.Regexp, error) {
	s, err := Translate(pattern, extended)
	if err != nil {
		return nil, err
	}
	if icase {
		s = "(?i)" + s
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, err
	}
	re.Longest()
	return re, nil
}

// Translate rewrites a POSIX pattern in Go's syntax.
func Translate(p string, extended bool) (string, error) {
	var b strings.Builder
	atStart := true // where '*' is literal and '^' is an anchor (BRE)
	for i := 0; i < len(p); i++ {
		c := p[i]
		start := atStart
		atStart = false
		switch {
		case c == '[':
			n, err := bracket(&b, p[i:])
			if err != nil {
				return "", err
			}
			i += n - 1
		case c == '\\':
			if i+1 == len(p) {
				return "", errors.New("trailing backslash (\\)")
			}
			i++
			n := escape(&b, p[i], extended)
			switch n {
			case -1:
				return "", ErrBackref
			case -2: // \{m,n\}
				end := strings.Index(p[i:], `\}`)
				if end < 0 {
					return "", errors.New("unmatched \\{")
				}
				body := p[i+1 : i+end]
				if body == "" || strings.Trim(body, "0123456789,") != "" || strings.Count(body, ",") > 1 {
					return "", errors.New("invalid content of \\{\\}")
				}
				if body[0] == ',' {
					body = "0" + body
				}
				b.WriteString("{" + body + "}")
				i += end + 1
			case 1:
				atStart = true // after \( or \|
			}
		case c == '*' && start:
			b.WriteString(`\*`)
		case c == '^':
			if extended || start {
				b.WriteByte('^')
				atStart = !extended
			} else {
				b.WriteString(`\^`)
			}
		case c == '$':
			if extended || i+1 == len(p) || strings.HasPrefix(p[i+1:], `\)`) || strings.HasPrefix(p[i+1:], `\|`) {
				b.WriteByte('$')
			} else {
				b.WriteString(`\$`)
			}
		case strings.IndexByte("(){}|+?", c) >= 0:
			if !extended {
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			if c == '{' {
				if n, ok := interval(&b, p[i:]); ok {
					i += n - 1
				} else {
					b.WriteString(`\{`)
				}
				continue
			}
			if c == '(' || c == '|' {
				atStart = true
			}
			if c == '(' && i+1 < len(p) && p[i+1] == ')' {
				b.WriteString("()")
				i++
				continue
			}
			if (c == '*' || c == '+' || c == '?') && start {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case c == '*' || c == '.':
			b.WriteByte(c)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String(), nil
}

// escape writes the translation of backslash-c and returns 1 when a group or
// alternative starts, -1 for a back-reference, 0 otherwise.
func escape(b *strings.Builder, c byte, extended bool) int {
	switch {
	case c >= '1' && c <= '9':
		return -1
	case !extended && (c == '(' || c == '|'):
		b.WriteByte(c)
		return 1
	case !extended && c == '{':
		return -2
	case !extended && strings.IndexByte(")}+?", c) >= 0:
		b.WriteByte(c)
	case c == '<' || c == '>':
		b.WriteString(`\b`)
	case c == '`':
		b.WriteString(`\A`)
	case c == '\'':
		b.WriteString(`\z`)
	case strings.IndexByte("wWsSbB", c) >= 0:
		b.WriteByte('\\')
		b.WriteByte(c)
	case c == 'n':
		b.WriteString(`\n`)
	case c == 't':
		b.WriteString(`\t`)
	default:
		b.WriteString(regexp.QuoteMeta(string(c)))
	}
	return 0
}

// interval copies a {m}, {m,} or {m,n} bound (and {,n} as {0,n}).
func interval(b *strings.Builder, p string) (int, bool) {
	end := strings.IndexByte(p, '}')
	if end < 0 {
		return 0, false
	}
	body := p[1:end]
	if body == "" || strings.Trim(body, "0123456789,") != "" || strings.Count(body, ",") > 1 {
		return 0, false
	}
	if body[0] == ',' {
		body = "0" + body
	}
	b.WriteString("{" + body + "}")
	return end + 1, true
}

// bracket copies a bracket expression starting at p[0] == '[' and returns its
// length. Backslash is literal inside brackets in POSIX.
func bracket(b *strings.Builder, p string) (int, error) {
	i := 1
	b.WriteByte('[')
	if i < len(p) && p[i] == '^' {
		b.WriteByte('^')
		i++
	}
	first := true
	for i < len(p) {
		c := p[i]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return i + 1, nil
		case c == '[' && i+1 < len(p) && (p[i+1] == ':' || p[i+1] == '=' || p[i+1] == '.'):
			kind := p[i+1]
			end := strings.Index(p[i+2:], string(kind)+"]")
			if end < 0 {
				return 0, errors.New("unmatched [, [^, [:, [., or [=")
			}
			name := p[i+2 : i+2+end]
			if kind == ':' {
				b.WriteString("[:" + name + ":]")
			} else {
				b.WriteString(regexp.QuoteMeta(name))
			}
			i += end + 4
			first = false
			continue
		case c == '\\' || c == '[' || c == ']':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '-' && i+1 < len(p) && p[i+1] != ']' && !first:
			b.WriteByte('-')
		case c == '-':
			b.WriteString(`\-`)
		default:
			b.WriteByte(c)
		}
		first = false
		i++
	}
	return 0, errors.New("unmatched [, [^, [:, [., or [=")
}
