// Package fileutils implements the toolbox applets that work on files and
// directories: cat, ls, cp, mv, rm, mkdir, rmdir, touch, ln, chmod, chown,
// stat, readlink, realpath, mktemp, du, df, basename, dirname and pwd.
package fileutils

import (
	"bufio"
	"fmt"
	"io"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Cat concatenates files (or standard input, "-") to standard output:
// cat [-nbvteA] [FILE]...
func Cat(e *applet.Env) int {
	o, files, err := e.Getopt("nbvteA")
	if err != nil {
		return 1
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	numbered := o.Has("n") || o.Has("b")
	visible := o.Has("v") || o.Has("e") || o.Has("t") || o.Has("A")
	status := 0
	line := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "can't open '%s'", name)
			status = 1
			continue
		}
		if !numbered && !visible {
			err = copyFlushing(e, f)
		} else {
			err = catLines(e, f, o, &line)
		}
		f.Close()
		if err != nil {
			e.Perror(err, "read error")
			status = 1
		}
	}
	return status
}

// copyFlushing copies r to standard output, flushing after every read so an
// interactive or piped consumer sees data as it arrives.
func copyFlushing(e *applet.Env, r io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := e.Stdout.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func catLines(e *applet.Env, r io.Reader, o applet.Opts, line *int) error {
	br := bufio.NewReader(r)
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			nl := s[len(s)-1] == '\n'
			if nl {
				s = s[:len(s)-1]
			}
			if o.Has("n") && !(o.Has("b") && s == "") {
				*line++
				fmt.Fprintf(e.Stdout, "%6d\t", *line)
			} else if o.Has("b") && s != "" {
				*line++
				fmt.Fprintf(e.Stdout, "%6d\t", *line)
			}
			if o.Has("v") || o.Has("e") || o.Has("t") || o.Has("A") {
				s = visible(s, o.Has("t") || o.Has("A"))
			}
			io.WriteString(e.Stdout, s)
			if nl {
				if o.Has("e") || o.Has("A") {
					io.WriteString(e.Stdout, "$")
				}
				io.WriteString(e.Stdout, "\n")
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// visible renders nonprinting bytes as cat -v does (^X, M-X), and tabs as ^I
// when tabs is set.
func visible(s string, tabs bool) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			b = append(b, 'M', '-')
			c -= 0x80
		}
		switch {
		case c == '\t' && !tabs:
			b = append(b, c)
		case c < 0x20:
			b = append(b, '^', c+'@')
		case c == 0x7f:
			b = append(b, '^', '?')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
