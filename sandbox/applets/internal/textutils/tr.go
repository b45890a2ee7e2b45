package textutils

import (
	"bufio"
	"io"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Tr translates, squeezes or deletes bytes: tr [-cds] SET1 [SET2]
func Tr(e *applet.Env) int {
	o, args, err := e.Getopt("cdstC", "complement=c", "delete=d", "squeeze-repeats=s", "truncate-set1=t")
	if err != nil {
		return 1
	}
	del, squeeze := o.Has("d"), o.Has("s")
	if len(args) == 0 || (len(args) == 1 && !del && !squeeze) {
		return e.ShowUsage()
	}
	set1, ok := ExpandSet(args[0])
	if !ok {
		return e.Fail("invalid set '%s'", args[0])
	}
	if o.Has("c") || o.Has("C") {
		set1 = complement(set1)
	}
	var set2 []byte
	if len(args) > 1 {
		if set2, ok = ExpandSet(args[1]); !ok {
			return e.Fail("invalid set '%s'", args[1])
		}
	}
	var in1, sq [256]bool
	for _, c := range set1 {
		in1[c] = true
	}
	var xlate [256]byte
	for i := range xlate {
		xlate[i] = byte(i)
	}
	translating := !del && len(set2) > 0
	if translating {
		for i, c := range set1 {
			xlate[c] = set2[min(i, len(set2)-1)]
		}
	}
	squeezeSet := set1
	if del || translating {
		squeezeSet = set2
	}
	for _, c := range squeezeSet {
		sq[c] = true
	}
	r := bufio.NewReader(e.Stdin)
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	last := -1
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			return 0
		}
		if err != nil {
			e.Perror(err, "read error")
			return 1
		}
		if del && in1[c] {
			continue
		}
		c = xlate[c]
		if squeeze && sq[c] && int(c) == last {
			continue
		}
		last = int(c)
		w.WriteByte(c)
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}

func complement(set []byte) []byte {
	var in [256]bool
	for _, c := range set {
		in[c] = true
	}
	var out []byte
	for i := 0; i < 256; i++ {
		if !in[i] {
			out = append(out, byte(i))
		}
	}
	return out
}

// class returns the test of a [:name:] character class, or nil.
func class(name string) func(byte) bool {
	switch name {
	case "alpha":
		return func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	case "digit":
		return func(c byte) bool { return c >= '0' && c <= '9' }
	case "alnum":
		return func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	case "upper":
		return func(c byte) bool { return c >= 'A' && c <= 'Z' }
	case "lower":
		return func(c byte) bool { return c >= 'a' && c <= 'z' }
	case "space":
		return func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
	case "blank":
		return func(c byte) bool { return c == ' ' || c == '\t' }
	case "punct":
		return func(c byte) bool {
			return c > ' ' && c < 0x7f && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
		}
	case "print":
		return func(c byte) bool { return c >= ' ' && c < 0x7f }
	case "graph":
		return func(c byte) bool { return c > ' ' && c < 0x7f }
	case "cntrl":
		return func(c byte) bool { return c < ' ' || c == 0x7f }
	case "xdigit":
		return func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	}
	return nil
}

// ExpandSet expands a tr set: ranges (a-z), classes ([:alpha:]),
// repetitions ([c*n]), equivalence classes ([=c=]) and backslash escapes.
func ExpandSet(s string) ([]byte, bool) {
	var lit []byte
	// First resolve escapes so ranges see plain bytes; mark escaped bytes so
	// '-' and '[' lose their meaning.
	type tok struct {
		c       byte
		escaped bool
	}
	var toks []tok
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			j := i + 1
			for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			if j == i+1 {
				j++
			}
			u, _ := Unescape(s[i:j], true)
			if u == s[i:j] && len(u) == 2 {
				u = u[1:]
			}
			for k := 0; k < len(u); k++ {
				toks = append(toks, tok{u[k], true})
			}
			i = j - 1
			continue
		}
		toks = append(toks, tok{s[i], false})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.escaped && t.c == '[' {
			rest := make([]byte, 0, len(toks)-i)
			for _, x := range toks[i:] {
				rest = append(rest, x.c)
			}
			str := string(rest)
			if end := strings.Index(str, ":]"); strings.HasPrefix(str, "[:") && end > 0 {
				f := class(str[2:end])
				if f == nil {
					return nil, false
				}
				for c := 0; c < 256; c++ {
					if f(byte(c)) {
						lit = append(lit, byte(c))
					}
				}
				i += end + 1
				continue
			}
			if strings.HasPrefix(str, "[=") && len(str) >= 5 && str[3:5] == "=]" {
				lit = append(lit, str[2])
				i += 4
				continue
			}
			if end := strings.IndexByte(str, ']'); end >= 3 && str[2] == '*' {
				n := 0
				for _, d := range str[3:end] {
					n = n*10 + int(d-'0')
				}
				if n == 0 {
					n = 1
				}
				for k := 0; k < n; k++ {
					lit = append(lit, str[1])
				}
				i += end
				continue
			}
		}
		if i+2 < len(toks) && toks[i+1].c == '-' && !toks[i+1].escaped {
			hi := toks[i+2].c
			if hi < t.c {
				return nil, false
			}
			for c := int(t.c); c <= int(hi); c++ {
				lit = append(lit, byte(c))
			}
			i += 2
			continue
		}
		lit = append(lit, t.c)
	}
	return lit, true
}
