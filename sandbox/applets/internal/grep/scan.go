package grep

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// match reports whether line is selected and returns the matched spans
// (for -o) when wanted.
func (g *grepper) match(line string, spans bool) (bool, [][2]int) {
	var out [][2]int
	hit := false
	if g.fixed != nil {
		for _, p := range g.fixed {
			if g.o.Has("x") {
				if line == p {
					hit = true
					out = append(out, [2]int{0, len(line)})
				}
				continue
			}
			for off := 0; off <= len(line); {
				i := strings.Index(line[off:], p)
				if i < 0 {
					break
				}
				hit = true
				if !spans || p == "" {
					break
				}
				out = append(out, [2]int{off + i, off + i + len(p)})
				off += i + len(p)
			}
		}
	}
	for _, re := range g.res {
		if !spans {
			if re.MatchString(line) {
				return true, nil
			}
			continue
		}
		group := 0
		if g.o.Has("w") && !g.o.Has("x") {
			group = 1
		}
		for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
			hit = true
			if m[2*group+1]-m[2*group] > 0 {
				out = append(out, [2]int{m[2*group], m[2*group+1]})
			}
		}
	}
	return hit, out
}

// scan searches one input; display is the name printed as prefix.
func (g *grepper) scan(r io.Reader, display string) {
	o := g.o
	sep := byte('\n')
	if o.Has("z") {
		sep = 0
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var before []string // ring of context lines before a match
	count, lineNo, afterLeft := 0, 0, 0
	g.lastOut = -2 // a new file starts a new context group
	quietList := o.Has("q") || o.Has("l") || o.Has("L") || o.Has("c")
	for {
		line, err := br.ReadString(sep)
		if line == "" && err != nil {
			break
		}
		line = strings.TrimSuffix(line, string(sep))
		lineNo++
		hit, spans := g.match(line, o.Has("o") && !quietList)
		if o.Has("v") {
			hit = !hit
		}
		if !hit {
			if afterLeft > 0 && !quietList {
				g.emit(display, lineNo, line, '-')
				afterLeft--
			} else if g.before > 0 {
				before = append(before, line)
				if len(before) > g.before {
					before = before[1:]
				}
			}
			if err != nil {
				break
			}
			continue
		}
		g.matched = true
		count++
		if o.Has("q") {
			return
		}
		if !quietList {
			for i, b := range before {
				g.emit(display, lineNo-len(before)+i, b, '-')
			}
			before = before[:0]
			switch {
			case o.Has("o") && !o.Has("v"):
				for _, s := range spans {
					g.emit(display, lineNo, line[s[0]:s[1]], ':')
				}
			case !o.Has("o"):
				g.emit(display, lineNo, line, ':')
			}
			afterLeft = g.after
		}
		if (g.maxCount >= 0 && count >= g.maxCount) || o.Has("l") || err != nil {
			break
		}
	}
	g.finish(display, count)
}

func (g *grepper) finish(display string, count int) {
	o := g.o
	switch {
	case o.Has("c"):
		if g.prefix {
			fmt.Fprintf(g.e.Stdout, "%s:", display)
		}
		fmt.Fprintf(g.e.Stdout, "%d\n", count)
	case o.Has("l") && count > 0:
		fmt.Fprintln(g.e.Stdout, display)
	case o.Has("L") && count == 0:
		fmt.Fprintln(g.e.Stdout, display)
	}
}

// emit prints one output line with its prefixes; kind is ':' for selected
// lines and '-' for context.
func (g *grepper) emit(display string, lineNo int, line string, kind byte) {
	if (g.after > 0 || g.before > 0) && g.printed && lineNo > g.lastOut+1 {
		fmt.Fprintln(g.e.Stdout, "--")
	}
	if lineNo > g.lastOut || kind == ':' {
		g.lastOut = lineNo
	}
	g.printed = true
	var b strings.Builder
	if g.prefix {
		b.WriteString(display)
		b.WriteByte(kind)
	}
	if g.o.Has("n") {
		fmt.Fprintf(&b, "%d%c", lineNo, kind)
	}
	b.WriteString(line)
	b.WriteByte('\n')
	io.WriteString(g.e.Stdout, b.String())
}
