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

// flow is what a command does to the cycle.
type flow int

const (
	flowNext    flow = iota // go on with the next command
	flowEnd                 // end the cycle, auto-printing
	flowDelete              // end the cycle without printing
	flowQuit                // stop at once (Q)
	flowRestart             // restart the script on the pattern space (D)
)

// state is the pattern space, the t flag and the program counter of a cycle.
type state struct {
	ps    string
	tflag bool
	pc    int
}

// cycle runs the script over one pattern space.
func (m *machine) cycle(ps string, src *source) error {
	st := &state{ps: ps}
	for st.pc = 0; st.pc < len(m.cmds); st.pc++ {
		c := m.cmds[st.pc]
		if m.steps++; m.maxSteps > 0 && (m.steps > m.maxSteps || len(st.ps)+len(m.hold) > 1<<16) {
			return errStepLimit // fuzzing: scripts like ":a;G;H;ba" grow without end
		}
		sel, err := m.selected(c, st.ps)
		if err != nil {
			return err
		}
		if !sel {
			if c.name == '{' {
				st.pc = c.block
			}
			continue
		}
		f, err := m.exec(c, st, src)
		if err != nil {
			return err
		}
		switch f {
		case flowEnd:
			return m.endCycle(st.ps, !m.quiet)
		case flowDelete:
			return m.endCycle("", false)
		case flowQuit:
			return nil
		case flowRestart:
			st.pc = -1
		}
	}
	return m.endCycle(st.ps, !m.quiet)
}

// exec runs one selected command.
func (m *machine) exec(c *command, st *state, src *source) (flow, error) {
	switch c.name {
	case '=':
		m.write(fmt.Sprintf("%d\n", m.lineNo))
	case 'a':
		m.appendQ = append(m.appendQ, c.text+"\n")
	case 'i':
		m.write(c.text + "\n")
	case 'c':
		// In a range, the text replaces the whole range: print it at its end.
		if c.a2.kind == addrNone || c.negate || !*c.inRange {
			m.write(c.text + "\n")
		}
		return flowDelete, nil
	case 'd':
		return flowDelete, nil
	case 'D':
		i := strings.IndexByte(st.ps, '\n')
		if i < 0 {
			return flowDelete, nil
		}
		st.ps = st.ps[i+1:]
		m.flushAppends()
		return flowRestart, nil
	case 'p':
		m.printPS(st.ps)
	case 'P':
		first, _, _ := strings.Cut(st.ps, "\n")
		m.write(first + "\n")
	case 'n', 'N':
		return m.next(c, st, src), nil
	case 'q':
		m.quit, m.exitCode = true, c.exit
		return flowEnd, nil
	case 'Q':
		m.quit, m.exitCode = true, c.exit
		return flowQuit, nil
	case 'b', 't', 'T':
		jump := c.name == 'b' || (c.name == 't' && st.tflag) || (c.name == 'T' && !st.tflag)
		if c.name != 'b' {
			st.tflag = false
		}
		if jump {
			st.pc = len(m.cmds)
			if c.text != "" {
				st.pc = m.labels[c.text]
			}
		}
	default:
		return flowNext, m.edit(c, st)
	}
	return flowNext, nil
}

// next runs n (print, then read the next line) and N (append the next line).
// Without a next line both end the script, printing, as GNU sed does.
func (m *machine) next(c *command, st *state, src *source) flow {
	if src.last() || m.quit {
		m.quit = true
		return flowEnd
	}
	if c.name == 'n' && !m.quiet {
		m.printPS(st.ps)
	}
	m.flushAppends()
	line, nl, _ := src.next()
	m.curNL = nl
	m.lineNo++
	if c.name == 'n' {
		st.ps = line
	} else {
		st.ps += "\n" + line
	}
	return flowNext
}

// edit runs the commands that change the pattern or hold space or write
// files: g G h H x z F l r w s y.
func (m *machine) edit(c *command, st *state) error {
	switch c.name {
	case 'g':
		st.ps = m.hold
	case 'G':
		st.ps += "\n" + m.hold
	case 'h':
		m.hold = st.ps
	case 'H':
		m.hold += "\n" + st.ps
	case 'x':
		st.ps, m.hold = m.hold, st.ps
	case 'z':
		st.ps = ""
	case 'F':
		m.write("-\n")
	case 'l':
		width := 70
		if c.exit > 0 {
			width = c.exit
		}
		m.write(visible(st.ps, width) + "\n")
	case 'r':
		if b, err := m.read(c.text); err == nil {
			s := string(b)
			if s != "" && !strings.HasSuffix(s, "\n") {
				s += "\n"
			}
			m.appendQ = append(m.appendQ, s)
		}
	case 'w':
		return m.writeFile(c.text, st.ps)
	case 's':
		out, replaced, err := m.substitute(c, st.ps)
		if err != nil || !replaced {
			return err
		}
		st.ps, st.tflag = out, true
		for k := 0; k < c.print; k++ {
			m.printPS(st.ps)
		}
		if c.wfile != "" {
			return m.writeFile(c.wfile, st.ps)
		}
	case 'y':
		st.ps = strings.Map(func(r rune) rune {
			if t, ok := c.ymap[r]; ok {
				return t
			}
			return r
		}, st.ps)
	}
	return nil
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
