package sed

import (
	"bufio"
	"io"
)

// lineReader splits input into lines, remembering a missing final newline.
type lineReader struct {
	br  *bufio.Reader
	sep byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), sep: '\n'}
}

func (l *lineReader) read() (string, bool, bool) {
	s, err := l.br.ReadString(l.sep)
	if s == "" && err != nil {
		return "", false, false
	}
	if s[len(s)-1] == l.sep {
		return s[:len(s)-1], true, true
	}
	return s, false, true
}
