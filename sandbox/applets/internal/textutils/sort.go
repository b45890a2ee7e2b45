package textutils

import (
	"bufio"
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
	raw, status := readLines(e, files, o.Has("z"))
	s := sorter{keys: keys, global: global, sep: sep, stable: o.Has("s"), unique: o.Has("u")}
	s.modes = []keyMode{modeOf(global)}
	if len(keys) > 0 {
		s.modes = make([]keyMode, len(keys))
		for i, k := range keys {
			s.modes[i] = modeOf(s.flags(k))
		}
	}
	if len(keys) == 0 && strings.Trim(global, "r") == "" && !o.Has("c") && !o.Has("C") {
		return writeSorted(e, o, plainSort(raw, global != "", s.unique), status)
	}
	// Keys are extracted and parsed once per line, not once per comparison.
	lines := make([]sortLine, len(raw))
	for i, l := range raw {
		lines[i] = s.prepare(l)
	}
	if o.Has("c") || o.Has("C") {
		for i := 1; i < len(lines); i++ {
			if c := s.compare(lines[i-1], lines[i]); c > 0 || (c == 0 && s.unique) {
				if !o.Has("C") {
					e.Errorf("-:%d: disorder: %s", i+1, lines[i].line)
				}
				return 1
			}
		}
		return status
	}
	if s.stable || s.unique {
		slices.SortStableFunc(lines, s.compare)
	} else {
		// The last-resort comparison of whole lines makes the order total,
		// so an unstable sort gives the same result, faster.
		slices.SortFunc(lines, s.compare)
	}
	if s.unique {
		lines = slices.CompactFunc(lines, func(a, b sortLine) bool { return s.compareKeys(a, b) == 0 })
	}
	plain := make([]string, len(lines))
	for i, l := range lines {
		plain[i] = l.line
	}
	return writeSorted(e, o, plain, status)
}

// plainSort is sort, sort -r and sort -u without keys: byte order on whole
// lines, the common case, without the per-line key machinery.
func plainSort(lines []string, reverse, unique bool) []string {
	slices.Sort(lines)
	if unique {
		lines = slices.Compact(lines)
	}
	if reverse {
		slices.Reverse(lines)
	}
	return lines
}

// writeSorted writes the result to standard output or -o FILE (which may
// be one of the inputs: it is opened only now).
func writeSorted(e *applet.Env, o applet.Opts, lines []string, status int) int {
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
		// One string for the whole input: the lines are substrings of it.
		text := strings.TrimSuffix(string(data), string(sep))
		lines = append(lines, strings.Split(text, string(sep))...)
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
	modes          []keyMode // how each key compares, from its flags
}

// keyMode is how a key compares: as text, as a number or as a version,
// possibly reversed.
type keyMode struct {
	numeric, version, reverse bool
}

func modeOf(flags string) keyMode {
	has := func(f byte) bool { return strings.IndexByte(flags, f) >= 0 }
	return keyMode{numeric: has('n') || has('g') || has('h') || has('M'), version: has('V'), reverse: has('r')}
}

// sortLine is a line with its keys, transformed once.
type sortLine struct {
	line string
	keys []keyVal
}

// keyVal is one key: its text after -b/-d/-f and, for numeric orders, its value.
type keyVal struct {
	s   string
	num float64
}

// prepare extracts and transforms the keys of line.
func (s *sorter) prepare(line string) sortLine {
	if len(s.keys) == 0 {
		return sortLine{line: line, keys: []keyVal{transform(line, s.global)}}
	}
	sl := sortLine{line: line, keys: make([]keyVal, len(s.keys))}
	for i, k := range s.keys {
		flags := s.flags(k)
		sl.keys[i] = transform(s.extract(line, k, flags), flags)
	}
	return sl
}

func (s *sorter) flags(k sortKey) string {
	if k.flags == "" {
		return s.global
	}
	return k.flags
}

func (s *sorter) compare(a, b sortLine) int {
	if c := s.compareKeys(a, b); c != 0 || s.stable || s.unique {
		return c
	}
	c := strings.Compare(a.line, b.line)
	if strings.Contains(s.global, "r") {
		c = -c
	}
	return c
}

func (s *sorter) compareKeys(a, b sortLine) int {
	for i := range a.keys {
		if c := compareKey(a.keys[i], b.keys[i], s.modes[i]); c != 0 {
			return c
		}
	}
	return 0
}

// transform applies -b, -d and -f to a key and parses numeric orders.
func transform(v, flags string) keyVal {
	has := func(f byte) bool { return strings.IndexByte(flags, f) >= 0 }
	if has('b') {
		v = strings.TrimLeft(v, " \t")
	}
	if has('d') {
		v = dictOnly(v)
	}
	if has('f') {
		v = strings.ToUpper(v)
	}
	kv := keyVal{s: v}
	switch {
	case has('n') || has('g'):
		kv.num = leadingNumber(v)
	case has('h'):
		kv.num = humanNumber(v)
	case has('M'):
		kv.num = float64(month(v))
	}
	return kv
}

// compareKey compares two transformed keys.
func compareKey(a, b keyVal, m keyMode) int {
	var c int
	switch {
	case m.numeric:
		c = cmpFloat(a.num, b.num)
	case m.version:
		c = compareVersion(a.s, b.s)
	default:
		c = strings.Compare(a.s, b.s)
	}
	if m.reverse {
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
