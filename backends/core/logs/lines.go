package logs

import (
	"bytes"
	"sync"
)

// maxLine bounds a log entry; longer lines are split, as dockerd's 16 KiB
// partial messages.
const maxLine = 16 << 10

// LineWriter splits one stream's output into lines (each ending with its
// newline) and appends them to a [Writer]. It is an io.Writer.
type LineWriter struct {
	w      *Writer
	stream string
	mu     sync.Mutex
	buf    []byte
}

// NewLineWriter returns a LineWriter appending stream's lines to w.
func NewLineWriter(w *Writer, stream string) *LineWriter {
	return &LineWriter{w: w, stream: stream}
}

// Write implements io.Writer. Log write errors are not the writer's
// problem: the process must not die because a disk is full.
func (l *LineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.buf = append(l.buf, p...)
			if len(l.buf) >= maxLine {
				l.flushLocked()
			}
			break
		}
		l.buf = append(l.buf, p[:i+1]...)
		p = p[i+1:]
		l.flushLocked()
	}
	return n, nil
}

// Flush writes a pending partial line.
func (l *LineWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *LineWriter) flushLocked() {
	for len(l.buf) > 0 {
		n := min(len(l.buf), maxLine)
		_ = l.w.Write(l.stream, l.buf[:n])
		l.buf = l.buf[n:]
	}
	l.buf = nil
}
