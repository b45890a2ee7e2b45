// Package textutils implements the toolbox's text filters and generators:
// echo, printf, head, tail, wc, tee, cut, tr, sort, uniq, seq, yes, base64,
// the checksum applets and cmp, with busybox's formats and exit statuses.
package textutils

import (
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Echo writes its operands separated by spaces. Like busybox it takes -n (no
// newline), -e (interpret escapes) and -E only as leading clusters of those
// letters; anything else is printed.
func Echo(e *applet.Env) int {
	args := e.Args[1:]
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if !escapes {
			b.WriteString(a)
			continue
		}
		s, stop := Unescape(a, true)
		b.WriteString(s)
		if stop {
			newline = false
			writeString(e, b.String())
			return 0
		}
	}
	if newline {
		b.WriteByte('\n')
	}
	writeString(e, b.String())
	return 0
}

func writeString(e *applet.Env, s string) {
	_, _ = e.Stdout.Write([]byte(s))
}

// Unescape interprets backslash escapes as echo -e and printf %b do: \a \b
// \e \f \n \r \t \v \\, \0NNN (octal; echoOctal also allows \NNN as busybox
// does) and \xHH. It reports \c, which stops all output.
func Unescape(s string, echoOctal bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String(), true
		case 'x':
			v, n := digits(s[i+1:], 16, 2)
			if n == 0 {
				b.WriteString(`\x`)
				continue
			}
			b.WriteByte(byte(v))
			i += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			if c != '0' && !echoOctal {
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			start := i
			if c == '0' {
				start = i + 1
			}
			v, n := digits(s[start:], 8, 3)
			b.WriteByte(byte(v))
			i = start + n - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), false
}

// digits parses up to max digits of base from the start of s.
func digits(s string, base, max int) (v, n int) {
	for n < max && n < len(s) {
		d := digitVal(s[n])
		if d < 0 || d >= base {
			break
		}
		v = v*base + d
		n++
	}
	return v, n
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
