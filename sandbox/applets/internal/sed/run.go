package sed

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// source yields input lines with one line of lookahead, so $ is known.
type source struct {
	readers []func() (io.Reader, string, error) // opened lazily
	cur     *lineReader
	peeked  bool
	pLine   string
	pNL     bool
	pOK     bool
	onErr   func(name string, err error)
}

// next returns the next line and whether it ended with a newline.
func (s *source) next() (string, bool, bool) {
	if !s.peeked {
		s.fill()
	}
	s.peeked = false
	return s.pLine, s.pNL, s.pOK
}

// last reports whether no line follows the one last returned.
func (s *source) last() bool {
	if !s.peeked {
		s.fill()
		s.peeked = true
	}
	return !s.pOK
}

func (s *source) fill() {
	for {
		if s.cur == nil {
			if len(s.readers) == 0 {
				s.pOK = false
				return
			}
			r, name, err := s.readers[0]()
			s.readers = s.readers[1:]
			if err != nil {
				s.onErr(name, err)
				continue
			}
			s.cur = newLineReader(r)
		}
		line, nl, ok := s.cur.read()
		if ok {
			s.pLine, s.pNL, s.pOK = line, nl, true
			return
		}
		s.cur = nil
	}
}

// errStepLimit stops a script that ran longer than maxSteps.
var errStepLimit = errors.New("step limit reached")

// run processes all of src.
func (m *machine) run(src *source) error {
	m.isLast = src.last
	for !m.quit {
		line, nl, ok := src.next()
		if !ok {
			break
		}
		m.lineNo++
		m.curNL = nl
		if err := m.cycle(line, src); err != nil {
			return err
		}
	}
	for _, w := range m.wfiles {
		w.Close()
	}
	return nil
}

// cycle runs the script over one pattern space.
func (m *machine) cycle(ps string, src *source) error {
	tflag := false
restart:
	autoprint := !m.quiet
	for pc := 0; pc < len(m.cmds); pc++ {
		c := m.cmds[pc]
		if m.steps++; m.maxSteps > 0 && m.steps > m.maxSteps {
			return errStepLimit
		}
		sel, err := m.selected(c, ps)
		if err != nil {
			return err
		}
		if !sel {
			if c.name == '{' {
				pc = c.block
			}
			continue
		}
		switch c.name {
		case '=':
			m.write(fmt.Sprintf("%d\n", m.lineNo))
		case 'a':
			m.appendQ = append(m.appendQ, c.text+"\n")
		case 'i':
			m.write(c.text + "\n")
		case 'c':
			if c.a2.kind == addrNone || c.negate || !*c.inRange {
				m.write(c.text + "\n")
			}
			return m.endCycle("", false)
		case 'd':
			return m.endCycle("", false)
		case 'D':
			i := strings.IndexByte(ps, '\n')
			if i < 0 {
				return m.endCycle("", false)
			}
			ps = ps[i+1:]
			m.flushAppends()
			goto restart
		case 'p':
			m.printPS(ps)
		case 'P':
			first, _, _ := strings.Cut(ps, "\n")
			m.write(first + "\n")
		case 'n':
			if src.last() || m.quit {
				m.quit = true
				return m.endCycle(ps, autoprint)
			}
			if autoprint {
				m.printPS(ps)
			}
			m.flushAppends()
			ps, m.curNL, _ = src.next()
			m.lineNo++
		case 'N':
			if src.last() {
				m.quit = true
				return m.endCycle(ps, autoprint)
			}
			m.flushAppends()
			var next string
			next, m.curNL, _ = src.next()
			ps += "\n" + next
			m.lineNo++
		case 'g':
			ps = m.hold
		case 'G':
			ps += "\n" + m.hold
		case 'h':
			m.hold = ps
		case 'H':
			m.hold += "\n" + ps
		case 'x':
			ps, m.hold = m.hold, ps
		case 'z':
			ps = ""
		case 'F':
			m.write("-\n")
		case 'l':
			width := 70
			if c.exit > 0 {
				width = c.exit
			}
			m.write(visible(ps, width) + "\n")
		case 'q':
			m.quit, m.exitCode = true, c.exit
			return m.endCycle(ps, autoprint)
		case 'Q':
			m.quit, m.exitCode = true, c.exit
			return nil
		case 'r':
			if b, err := m.read(c.text); err == nil {
				s := string(b)
				if s != "" && !strings.HasSuffix(s, "\n") {
					s += "\n"
				}
				m.appendQ = append(m.appendQ, s)
			}
		case 'w':
			if err := m.writeFile(c.text, ps); err != nil {
				return err
			}
		case 's':
			out, replaced, err := m.substitute(c, ps)
			if err != nil {
				return err
			}
			if replaced {
				ps, tflag = out, true
				for k := 0; k < c.print; k++ {
					m.printPS(ps)
				}
				if c.wfile != "" {
					if err := m.writeFile(c.wfile, ps); err != nil {
						return err
					}
				}
			}
		case 'y':
			ps = strings.Map(func(r rune) rune {
				if t, ok := c.ymap[r]; ok {
					return t
				}
				return r
			}, ps)
		case 'b', 't', 'T':
			jump := c.name == 'b' || (c.name == 't' && tflag) || (c.name == 'T' && !tflag)
			if c.name != 'b' {
				tflag = false
			}
			if jump {
				if c.text == "" {
					pc = len(m.cmds)
				} else {
					pc = m.labels[c.text]
				}
			}
		}
	}
	return m.endCycle(ps, autoprint)
}

func (m *machine) endCycle(ps string, print bool) error {
	if print {
		m.printPS(ps)
	}
	m.flushAppends()
	return nil
}

func (m *machine) flushAppends() {
	for _, a := range m.appendQ {
		m.write(a)
	}
	m.appendQ = m.appendQ[:0]
}

// printPS writes the pattern space; the last line keeps its missing newline.
func (m *machine) printPS(ps string) {
	if !m.curNL && m.isLast() {
		m.write(ps)
		m.missingNL = true
		return
	}
	m.write(ps + m.term())
}

// write writes s, first completing a previous line that lacked a newline.
func (m *machine) write(s string) {
	if m.missingNL {
		m.out.WriteString(m.term())
		m.missingNL = false
	}
	m.out.WriteString(s)
}
