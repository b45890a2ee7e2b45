package textutils

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

type counts struct{ lines, words, chars, bytes, maxLine int64 }

// Wc counts lines, words and bytes: wc [-cmlwL] [FILE]...
//
// The column layout is busybox's: one count of at most one file is printed
// alone, otherwise every count is right-aligned in 9 columns separated by a
// space, the file name last.
func Wc(e *applet.Env) int {
	o, files, err := e.Getopt("cmlwL", "bytes=c", "chars=m", "lines=l", "words=w", "max-line-length=L")
	if err != nil {
		return 1
	}
	which := ""
	for _, k := range "lwmcL" {
		if o.Has(string(k)) {
			which += string(k)
		}
	}
	if which == "" {
		which = "lwc"
	}
	named := len(files) > 0
	if !named {
		files = []string{"-"}
	}
	var total counts
	status := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
			continue
		}
		c, err := count(f)
		f.Close()
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
		}
		label := name
		if !named {
			label = ""
		}
		printCounts(e, c, which, label, len(files) > 1)
		total.lines += c.lines
		total.words += c.words
		total.chars += c.chars
		total.bytes += c.bytes
		total.maxLine = max(total.maxLine, c.maxLine)
	}
	if len(files) > 1 {
		printCounts(e, total, which, "total", true)
	}
	return status
}

func count(r io.Reader) (counts, error) {
	var c counts
	br := bufio.NewReaderSize(r, 64<<10)
	inWord := false
	var lineLen int64
	for {
		ru, size, err := br.ReadRune()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, err
		}
		c.bytes += int64(size)
		// busybox (built without Unicode support) and the C locale count
		// bytes as characters.
		c.chars += int64(size)
		switch {
		case ru == '\n':
			c.lines++
			c.maxLine = max(c.maxLine, lineLen)
			lineLen = 0
		case ru == '\t':
			lineLen += 8 - lineLen%8
		default:
			lineLen++
		}
		if unicode.IsSpace(ru) {
			inWord = false
		} else if !inWord {
			inWord = true
			c.words++
		}
	}
	c.maxLine = max(c.maxLine, lineLen)
	return c, nil
}

func printCounts(e *applet.Env, c counts, which, name string, many bool) {
	var parts []string
	for _, k := range which {
		var v int64
		switch k {
		case 'l':
			v = c.lines
		case 'w':
			v = c.words
		case 'm':
			v = c.chars
		case 'c':
			v = c.bytes
		case 'L':
			v = c.maxLine
		}
		if len(which) == 1 && !many {
			parts = append(parts, fmt.Sprintf("%d", v))
		} else {
			parts = append(parts, fmt.Sprintf("%9d", v))
		}
	}
	line := strings.Join(parts, " ")
	if name != "" {
		line += " " + name
	}
	fmt.Fprintln(e.Stdout, line)
}
