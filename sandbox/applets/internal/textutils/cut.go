package textutils

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// span is one range of a cut list, 1-based and inclusive; hi 0 means to the end.
type span struct{ lo, hi int }

// Cut prints selected parts of lines:
// cut [-s] [-d DELIM] [-O OUTDELIM] -f LIST | -b LIST | -c LIST [FILE]...
func Cut(e *applet.Env) int {
	o, files, err := e.Getopt("b:c:f:d:O:sn", "bytes=b:", "characters=c:", "fields=f:", "delimiter=d:",
		"only-delimited=s", "output-delimiter=O:")
	if err != nil {
		return 1
	}
	mode, list := "", ""
	for _, m := range []string{"b", "c", "f"} {
		if o.Has(m) {
			if mode != "" {
				return e.Fail("only one list may be specified")
			}
			mode, list = m, o.Get(m, "")
		}
	}
	if mode == "" {
		return e.Fail("expected a list of bytes, characters, or fields")
	}
	spans, ok := parseList(list)
	if !ok {
		return e.Fail("invalid list '%s'", list)
	}
	delim := o.Get("d", "\t")
	if len(delim) > 1 {
		return e.Fail("the delimiter must be a single character")
	}
	if delim == "" {
		delim = "\x00"
	}
	outDelim := o.Get("O", delim)
	if mode != "f" {
		outDelim = o.Get("O", "")
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
			continue
		}
		br := bufio.NewReader(f)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				line = strings.TrimSuffix(line, "\n")
				if s, keep := cutLine(line, mode, spans, delim, outDelim, o.Has("s")); keep {
					io.WriteString(e.Stdout, s+"\n")
				}
			}
			if err != nil {
				break
			}
		}
		f.Close()
	}
	return status
}

// parseList parses "1,3-5,7-" into spans.
func parseList(s string) ([]span, bool) {
	var out []span
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var sp span
		var err error
		if lo == "" {
			sp.lo = 1
		} else if sp.lo, err = strconv.Atoi(lo); err != nil || sp.lo < 1 {
			return nil, false
		}
		switch {
		case !isRange:
			sp.hi = sp.lo
		case hi == "":
			sp.hi = 0
		default:
			if sp.hi, err = strconv.Atoi(hi); err != nil || sp.hi < sp.lo {
				return nil, false
			}
		}
		if lo == "" && hi == "" {
			return nil, false
		}
		out = append(out, sp)
	}
	return out, true
}

func selected(spans []span, i int) bool {
	for _, s := range spans {
		if i >= s.lo && (s.hi == 0 || i <= s.hi) {
			return true
		}
	}
	return false
}

func cutLine(line, mode string, spans []span, delim, outDelim string, onlyDelimited bool) (string, bool) {
	if mode != "f" {
		var b strings.Builder
		prev := -1
		for i := 0; i < len(line); i++ {
			if selected(spans, i+1) {
				if prev >= 0 && prev != i-1 && outDelim != "" {
					b.WriteString(outDelim)
				}
				b.WriteByte(line[i])
				prev = i
			}
		}
		return b.String(), true
	}
	if !strings.Contains(line, delim) {
		return line, !onlyDelimited
	}
	fields := strings.Split(line, delim)
	var keep []string
	for i, f := range fields {
		if selected(spans, i+1) {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, outDelim), true
}
