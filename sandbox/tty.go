package sandbox

import (
	"bytes"
	"io"
	"sync"
	"syscall"
)

// ttyReader is the line discipline of a terminal in cooked mode, between
// the client's keystrokes and the process: it echoes what is typed, turns
// Enter (\r) into \n, edits the line on backspace, ends input on ^D at the
// start of a line, and sends SIGINT to the foreground commands on ^C.
type ttyReader struct {
	in   io.Reader
	echo io.Writer
	intr func()

	mu      sync.Mutex
	line    []byte // the line being edited
	ready   []byte // complete lines for Read
	eof     bool
	scratch [256]byte
}

func (t *ttyReader) Read(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.ready) == 0 {
		if t.eof {
			return 0, io.EOF
		}
		n, err := t.in.Read(t.scratch[:])
		t.discipline(t.scratch[:n])
		if err != nil {
			if len(t.line) > 0 {
				t.ready = append(t.ready, t.line...)
				t.line = nil
			}
			t.eof = true
			if err != io.EOF && len(t.ready) == 0 {
				return 0, err
			}
		}
	}
	n := copy(b, t.ready)
	t.ready = t.ready[n:]
	return n, nil
}

// discipline applies typed bytes to the line.
func (t *ttyReader) discipline(typed []byte) {
	var echo bytes.Buffer
	for _, c := range typed {
		switch c {
		case '\r', '\n':
			t.line = append(t.line, '\n')
			t.ready = append(t.ready, t.line...)
			t.line = nil
			echo.WriteString("\r\n")
		case 0x7f, '\b':
			if len(t.line) > 0 {
				t.line = t.line[:len(t.line)-1]
				echo.WriteString("\b \b")
			}
		case 0x04: // ^D
			if len(t.line) == 0 {
				t.eof = true
			} else {
				t.ready = append(t.ready, t.line...)
				t.line = nil
			}
		case 0x03: // ^C
			t.line = nil
			echo.WriteString("^C\r\n")
			if t.intr != nil {
				t.intr()
			}
		case 0x15: // ^U
			for range t.line {
				echo.WriteString("\b \b")
			}
			t.line = nil
		default:
			t.line = append(t.line, c)
			echo.WriteByte(c)
		}
	}
	if echo.Len() > 0 {
		t.echo.Write(echo.Bytes())
	}
}

// interruptChildren sends SIGINT to the commands p runs, as ^C reaches the
// terminal's foreground process group and not the shell waiting for it.
func (c *Container) interruptChildren(p *Process) {
	c.mu.Lock()
	var kids []*Process
	for _, q := range c.procs {
		if q.ppid == p.pid {
			kids = append(kids, q)
		}
	}
	c.mu.Unlock()
	if len(kids) == 0 && !isShell(p) {
		p.Signal(syscall.SIGINT)
	}
	for _, q := range kids {
		q.Signal(syscall.SIGINT)
	}
}

// isShell reports whether p runs the shell interpreter.
func isShell(p *Process) bool {
	name := p.args[0]
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			name = name[i+1:]
			break
		}
	}
	return shells[name]
}
