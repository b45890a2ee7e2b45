package textutils

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Printf formats its arguments as C printf does: printf FORMAT [ARG]...
// The format is reused until the arguments run out, as POSIX requires.
func Printf(e *applet.Env) int {
	args := e.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	p := printer{e: e, args: args[1:]}
	var b strings.Builder
	for {
		used := p.used
		if stop := p.format(&b, args[0]); stop {
			break
		}
		if p.used >= len(p.args) || p.used == used {
			break
		}
	}
	writeString(e, b.String())
	return p.status
}

type printer struct {
	e      *applet.Env
	args   []string
	used   int
	status int
}

func (p *printer) next() (string, bool) {
	if p.used >= len(p.args) {
		return "", false
	}
	p.used++
	return p.args[p.used-1], true
}

// format writes one pass of f and reports whether \c stopped output.
func (p *printer) format(b *strings.Builder, f string) bool {
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '\\':
			j := i + 1
			for j < len(f) && j < i+4 && f[j] >= '0' && f[j] <= '7' {
				j++
			}
			if j == i+1 && j < len(f) {
				j++
			}
			s, stop := Unescape(f[i:j], true)
			b.WriteString(s)
			if stop {
				return true
			}
			i = j - 1
		case c == '%' && i+1 < len(f) && f[i+1] == '%':
			b.WriteByte('%')
			i++
		case c == '%':
			n, stop := p.directive(b, f[i:])
			if stop {
				return true
			}
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return false
}

// directive expands one %-directive at the start of f and returns its length.
func (p *printer) directive(b *strings.Builder, f string) (int, bool) {
	j := 1
	spec := "%"
	for j < len(f) && strings.IndexByte("-+ #0", f[j]) >= 0 {
		spec += f[j : j+1]
		j++
	}
	for _, part := range []string{"width", "prec"} {
		if part == "prec" {
			if j >= len(f) || f[j] != '.' {
				break
			}
			spec += "."
			j++
		}
		if j < len(f) && f[j] == '*' {
			a, _ := p.next()
			n, _ := strconv.Atoi(a)
			spec += strconv.Itoa(n)
			j++
			continue
		}
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			spec += f[j : j+1]
			j++
		}
	}
	for j < len(f) && strings.IndexByte("hlLqjzt", f[j]) >= 0 {
		j++
	}
	if j >= len(f) {
		p.e.Errorf("%s: invalid format", f)
		p.status = 1
		return len(f), false
	}
	verb := f[j]
	arg, _ := p.next()
	switch verb {
	case 's':
		fmt.Fprintf(b, spec+"s", arg)
	case 'b':
		s, stop := Unescape(arg, true)
		fmt.Fprintf(b, spec+"s", s)
		if stop {
			return j + 1, true
		}
	case 'c':
		if arg != "" {
			fmt.Fprintf(b, spec+"s", arg[:1])
		} else {
			fmt.Fprintf(b, spec+"s", "")
		}
	case 'd', 'i':
		fmt.Fprintf(b, spec+"d", p.integer(arg))
	case 'u':
		fmt.Fprintf(b, spec+"d", uint64(p.integer(arg)))
	case 'o', 'x', 'X':
		fmt.Fprintf(b, spec+string(verb), uint64(p.integer(arg)))
	case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A':
		fmt.Fprintf(b, spec+string(verb), p.float(arg))
	default:
		p.e.Errorf("%%%c: invalid format", verb)
		p.status = 1
	}
	return j + 1, false
}

func (p *printer) integer(s string) int64 {
	if s == "" {
		return 0
	}
	if s[0] == '\'' || s[0] == '"' {
		if len(s) > 1 {
			return int64(s[1])
		}
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
	if err != nil {
		if u, uerr := strconv.ParseUint(strings.TrimSpace(s), 0, 64); uerr == nil {
			return int64(u)
		}
		p.e.Errorf("'%s': expected a numeric value", s)
		p.status = 1
		// Like C's strtol, keep the leading digits.
		k := 0
		for k < len(s) && (s[k] >= '0' && s[k] <= '9' || (k == 0 && (s[k] == '-' || s[k] == '+'))) {
			k++
		}
		n, _ = strconv.ParseInt(s[:k], 10, 64)
	}
	return n
}

func (p *printer) float(s string) float64 {
	if s == "" {
		return 0
	}
	if s[0] == '\'' || s[0] == '"' {
		return float64(p.integer(s))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		p.e.Errorf("'%s': expected a numeric value", s)
		p.status = 1
	}
	return v
}
