package process

import (
	"bytes"
	"sync"
)

// MaxLine is the longest line a [LineWriter] passes on in one piece; longer
// runs are split, as the awslogs driver splits at its 256 KiB event limit.
const MaxLine = 256 * 1024

// LineWriter is an io.Writer that calls Emit once per line written to it
// (without the newline). Close emits a final unterminated line.
type LineWriter struct {
	Emit func(line string)

	mu  sync.Mutex
	buf []byte
}

// Write implements io.Writer.
func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.Emit(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	for len(w.buf) >= MaxLine {
		w.Emit(string(w.buf[:MaxLine]))
		w.buf = w.buf[MaxLine:]
	}
	return len(p), nil
}

// Close emits what is left of an unterminated last line.
func (w *LineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.Emit(string(w.buf))
		w.buf = nil
	}
	return nil
}
