package textutils

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// sortKey is one -k POS1[,POS2] with its own ordering flags.
type sortKey struct {
	f1, c1, f2, c2 int // 1-based field/char; f2 == 0 means end of line
	flags          string
}

// Sort sorts lines: sort [-nrugfbdsMVhcCz] [-k POS1[,POS2]]... [-t CHAR] [-o FILE] [FILE]...
// Lines that compare equal on every key are ordered by the whole line
// (byte order) unless -s, as busybox does.
func Sort(e *applet.Env) int {
	o, files, err := e.Getopt("nrugfbdsMVhcCzt:k:o:S:T:", "numeric-sort=n", "reverse=r", "unique=u", "key=k:",
		"field-separator=t:", "output=o:", "ignore-case=f", "stable=s", "version-sort=V", "human-numeric-sort=h")
	if err != nil {
		return 2
	}
	var keys []sortKey
	for _, k := range o.All("k") {
		key, ok := parseKey(k)
		if !ok {
			e.Errorf("bad field specification")
			return 2
		}
		keys = append(keys, key)
	}
	global := ""
	for _, f := range "nrgfbdMVh" {
		if o.Has(string(f)) {
			global += string(f)
		}
	}
	sep := o.Get("t", "")
	if len(sep) > 1 {
		e.Errorf("bad -t parameter")
		return 2
	}
	lines, status := readLines(e, files, o.Has("z"))
	s := sorter{keys: keys, global: global, sep: sep, stable: o.Has("s"), unique: o.Has("u")}
	if o.Has("c") || o.Has("C") {
		for i := 1; i < len(lines); i++ {
			if c := s.compare(lines[i-1], lines[i]); c > 0 || (c == 0 && s.unique) {
				if !o.Has("C") {
					e.Errorf("-:%d: disorder: %s", i+1, lines[i])
				}
				return 1
			}
		}
		return status
	}
	slices.SortStableFunc(lines, s.compare)
	if s.unique {
		lines = slices.CompactFunc(lines, func(a, b string) bool { return s.compareKeys(a, b) == 0 })
	}
	out := e.Stdout
	if name := o.Get("o", ""); name != "" {
		f, err := os.Create(e.Path(name))
		if err != nil {
			e.Perror(err, "%s", name)
			return 2
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		out = bw
	}
	term := "\n"
	if o.Has("z") {
		term = "\x00"
	}
	for _, l := range lines {
		io.WriteString(out, l+term)
	}
	return status
}

// readLines reads every line of files ("-" or none: standard input).
func readLines(e *applet.Env, files []string, zero bool) ([]string, int) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	sep := byte('\n')
	if zero {
		sep = 0
	}
	var lines []string
	status := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 2
			continue
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if len(data) == 0 {
			continue
		}
		data = bytes.TrimSuffix(data, []byte{sep})
		for _, l := range bytes.Split(data, []byte{sep}) {
			lines = append(lines, string(l))
		}
	}
	return lines, status
}

// parseKey parses F[.C][flags][,F[.C][flags]].
func parseKey(s string) (sortKey, bool) {
	var k sortKey
	p1, p2, hasEnd := strings.Cut(s, ",")
	var ok bool
	if k.f1, k.c1, ok = parsePos(p1, &k.flags); !ok || k.f1 < 1 {
		return k, false
	}
	if hasEnd {
		if k.f2, k.c2, ok = parsePos(p2, &k.flags); !ok || k.f2 < 1 {
			return k, false
		}
	}
	return k, true
}

func parsePos(s string, flags *string) (field, char int, ok bool) {
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	if end < 0 {
		end = len(s)
	}
	*flags += s[end:]
	if strings.Trim(s[end:], "bdfginrMVh") != "" {
		return 0, 0, false
	}
	f, c, _ := strings.Cut(s[:end], ".")
	field, err := strconv.Atoi(f)
	if err != nil {
		return 0, 0, false
	}
	if c != "" {
		if char, err = strconv.Atoi(c); err != nil {
			return 0, 0, false
		}
	}
	return field, char, true
}

type sorter struct {
	keys           []sortKey
	global, sep    string
	stable, unique bool
}

func (s *sorter) compare(a, b string) int {
	if c := s.compareKeys(a, b); c != 0 || s.stable || s.unique {
		return c
	}
	c := strings.Compare(a, b)
	if strings.Contains(s.global, "r") {
		c = -c
	}
	return c
}

func (s *sorter) compareKeys(a, b string) int {
	if len(s.keys) == 0 {
		return compareWith(a, b, s.global)
	}
	for _, k := range s.keys {
		flags := k.flags
		if flags == "" {
			flags = s.global
		}
		if c := compareWith(s.extract(a, k, flags), s.extract(b, k, flags), flags); c != 0 {
			return c
		}
	}
	return 0
}

// compareWith compares two keys under ordering flags.
func compareWith(a, b, flags string) int {
	has := func(f byte) bool { return strings.IndexByte(flags, f) >= 0 }
	if has('b') {
		a, b = strings.TrimLeft(a, " \t"), strings.TrimLeft(b, " \t")
	}
	if has('d') {
		a, b = dictOnly(a), dictOnly(b)
	}
	if has('f') {
		a, b = strings.ToUpper(a), strings.ToUpper(b)
	}
	var c int
	switch {
	case has('n') || has('g'):
		c = cmpFloat(leadingNumber(a), leadingNumber(b))
	case has('h'):
		c = cmpFloat(humanNumber(a), humanNumber(b))
	case has('V'):
		c = compareVersion(a, b)
	case has('M'):
		c = month(a) - month(b)
	default:
		c = strings.Compare(a, b)
	}
	if has('r') {
		c = -c
	}
	return c
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func dictOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, s)
}

// leadingNumber parses the number at the start of s as strtod does (0 when none).
func leadingNumber(s string) float64 {
	s = strings.TrimLeft(s, " \t")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || (end == 0 && (s[end] == '-' || s[end] == '+'))) {
		end++
	}
	for end > 0 {
		if v, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return v
		}
		end--
	}
	return 0
}

func humanNumber(s string) float64 {
	v := leadingNumber(s)
	s = strings.TrimLeft(s, " \t-+0123456789.")
	if s != "" {
		if i := strings.IndexByte("KMGTPE", s[0]&^0x20); i >= 0 {
			for ; i >= 0; i-- {
				v *= 1024
			}
		}
	}
	return v
}

func month(s string) int {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) >= 3 {
		if i := strings.Index("JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC", s[:3]); i >= 0 && i%3 == 0 {
			return i/3 + 1
		}
	}
	return 0
}

// extract returns the part of line that key k selects.
func (s *sorter) extract(line string, k sortKey, flags string) string {
	starts, ends := s.fields(line)
	field := func(f, c int, isEnd bool) int {
		if f > len(starts) {
			return len(line)
		}
		pos := starts[f-1]
		if !isEnd && strings.IndexByte(flags, 'b') >= 0 {
			for pos < ends[f-1] && (line[pos] == ' ' || line[pos] == '\t') {
				pos++
			}
		}
		switch {
		case isEnd && c == 0:
			return ends[f-1]
		case c > 0:
			return min(pos+c-1+boolInt(isEnd), ends[f-1])
		}
		return pos
	}
	from := field(k.f1, k.c1, false)
	to := len(line)
	if k.f2 > 0 {
		to = field(k.f2, k.c2, true)
	}
	if to < from {
		return ""
	}
	return line[from:to]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fields returns the start and end offsets of each field: split at sep, or
// (without -t) at each blank-to-nonblank boundary with leading blanks kept
// in the field.
func (s *sorter) fields(line string) (starts, ends []int) {
	if s.sep != "" {
		pos := 0
		for {
			starts = append(starts, pos)
			i := strings.Index(line[pos:], s.sep)
			if i < 0 {
				ends = append(ends, len(line))
				return starts, ends
			}
			ends = append(ends, pos+i)
			pos += i + len(s.sep)
		}
	}
	pos := 0
	for pos < len(line) {
		start := pos
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
		for pos < len(line) && line[pos] != ' ' && line[pos] != '\t' {
			pos++
		}
		starts, ends = append(starts, start), append(ends, pos)
	}
	return starts, ends
}

// compareVersion orders strings with embedded numbers as sort -V does.
func compareVersion(a, b string) int {
	for a != "" && b != "" {
		na, ra := splitDigits(a)
		nb, rb := splitDigits(b)
		if na != "" && nb != "" {
			x, _ := strconv.ParseUint(na, 10, 64)
			y, _ := strconv.ParseUint(nb, 10, 64)
			if x != y {
				return cmpFloat(float64(x), float64(y))
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func splitDigits(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
