package textutils

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// readAll reads files (none or "-": standard input), reporting open errors.
func readAll(e *applet.Env, files []string, each func(name string, data []byte)) int {
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
			continue
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			e.Perror(err, "read error")
			status = 1
			continue
		}
		each(name, data)
	}
	return status
}

// splitKeep splits data into lines keeping each line's newline.
func splitKeep(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return append(out, data)
		}
		out = append(out, data[:i+1])
		data = data[i+1:]
	}
	return out
}

// Tac prints files with their lines in reverse order: tac [FILE]...
func Tac(e *applet.Env) int {
	_, files, err := e.Getopt("")
	if err != nil {
		return 1
	}
	return readAll(e, files, func(_ string, data []byte) {
		lines := splitKeep(data)
		for i := len(lines) - 1; i >= 0; i-- {
			e.Stdout.Write(lines[i])
		}
	})
}

// Rev reverses the characters of each line: rev [FILE]...
func Rev(e *applet.Env) int {
	_, files, err := e.Getopt("")
	if err != nil {
		return 1
	}
	return readAll(e, files, func(_ string, data []byte) {
		for _, l := range splitKeep(data) {
			s := string(l)
			nl := strings.HasSuffix(s, "\n")
			s = strings.TrimSuffix(s, "\n")
			r := []rune(s)
			for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
				r[i], r[j] = r[j], r[i]
			}
			io.WriteString(e.Stdout, string(r))
			if nl {
				io.WriteString(e.Stdout, "\n")
			}
		}
	})
}

// Nl numbers lines: nl [-b STYLE] [-i N] [-s SEP] [-v N] [-w N] [FILE]...
// STYLE is a (all lines), t (non-empty, the default) or n (none).
func Nl(e *applet.Env) int {
	o, files, err := e.Getopt("b:i:s:v:w:n:")
	if err != nil {
		return 1
	}
	style, sep := o.Get("b", "t"), o.Get("s", "\t")
	num := func(k string, def int) int {
		n, err := strconv.Atoi(o.Get(k, strconv.Itoa(def)))
		if err != nil {
			return def
		}
		return n
	}
	incr, next, width := num("i", 1), num("v", 1), num("w", 6)
	return readAll(e, files, func(_ string, data []byte) {
		for _, l := range splitKeep(data) {
			body := strings.TrimSuffix(string(l), "\n")
			if style == "a" || (style == "t" && body != "") {
				fmt.Fprintf(e.Stdout, "%*d%s%s", width, next, sep, l)
				next += incr
				continue
			}
			fmt.Fprintf(e.Stdout, "%s%s", strings.Repeat(" ", width+len(sep)), l)
		}
	})
}

// Paste merges corresponding lines of files: paste [-s] [-d LIST] [FILE]...
// Each "-" reads the next line of standard input, so "paste - -" joins
// pairs of lines.
func Paste(e *applet.Env) int {
	o, files, err := e.Getopt("d:s", "delimiters=d:", "serial=s")
	if err != nil {
		return 1
	}
	delims, _ := Unescape(o.Get("d", "\t"), false)
	if delims == "" {
		delims = "\x00"
	}
	d := func(i int) string {
		if c := delims[i%len(delims)]; c != 0 {
			return string(c)
		}
		return ""
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	stdin := bufio.NewReader(e.Stdin)
	readers := make([]*bufio.Reader, len(files))
	status := 0
	for i, name := range files {
		if name == "-" {
			readers[i] = stdin
			continue
		}
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			return 1
		}
		defer f.Close()
		readers[i] = bufio.NewReader(f)
	}
	next := func(r *bufio.Reader) (string, bool) {
		if r == nil {
			return "", false
		}
		l, err := r.ReadString('\n')
		if l == "" && err != nil {
			return "", false
		}
		return strings.TrimSuffix(l, "\n"), true
	}
	if o.Has("s") {
		for _, r := range readers {
			var b strings.Builder
			for i := 0; ; i++ {
				l, ok := next(r)
				if !ok {
					break
				}
				if i > 0 {
					b.WriteString(d(i - 1))
				}
				b.WriteString(l)
			}
			fmt.Fprintln(e.Stdout, b.String())
		}
		return status
	}
	for {
		var b strings.Builder
		any := false
		for i, r := range readers {
			if i > 0 {
				b.WriteString(d(i - 1))
			}
			l, ok := next(r)
			if !ok {
				readers[i] = nil
			}
			any = any || ok
			b.WriteString(l)
		}
		if !any {
			return status
		}
		fmt.Fprintln(e.Stdout, b.String())
	}
}

// Fold wraps lines at a width: fold [-bs] [-w WIDTH] [FILE]...
func Fold(e *applet.Env) int {
	o, files, err := e.Getopt("bsw:", "bytes=b", "spaces=s", "width=w:")
	if err != nil {
		return 1
	}
	width, err := strconv.Atoi(o.Get("w", "80"))
	if err != nil || width < 1 {
		return e.Fail("invalid number '%s'", o.Get("w", ""))
	}
	return readAll(e, files, func(_ string, data []byte) {
		for _, l := range splitKeep(data) {
			s := string(l)
			nl := strings.HasSuffix(s, "\n")
			s = strings.TrimSuffix(s, "\n")
			for utf8.RuneCountInString(s) > width {
				cut := len(string([]rune(s)[:width]))
				if o.Has("s") {
					if i := strings.LastIndexAny(s[:cut], " \t"); i >= 0 {
						cut = i + 1
					}
				}
				io.WriteString(e.Stdout, s[:cut]+"\n")
				s = s[cut:]
			}
			io.WriteString(e.Stdout, s)
			if nl {
				io.WriteString(e.Stdout, "\n")
			}
		}
	})
}

// Shuf prints its input lines in random order: shuf [-n N] [-e ARG... | -i LO-HI | FILE]
func Shuf(e *applet.Env) int {
	o, args, err := e.Getopt("ezn:i:o:")
	if err != nil {
		return 1
	}
	var lines []string
	switch {
	case o.Has("e"):
		lines = args
	case o.Has("i"):
		lo, hi, ok := strings.Cut(o.Get("i", ""), "-")
		a, errA := strconv.Atoi(lo)
		b, errB := strconv.Atoi(hi)
		if !ok || errA != nil || errB != nil || b < a {
			return e.Fail("bad range '%s'", o.Get("i", ""))
		}
		for i := a; i <= b; i++ {
			lines = append(lines, strconv.Itoa(i))
		}
	default:
		if st := readAll(e, args, func(_ string, data []byte) {
			if len(data) > 0 {
				lines = append(lines, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
			}
		}); st != 0 {
			return st
		}
	}
	rand.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	if n := o.Get("n", ""); n != "" {
		k, err := strconv.Atoi(n)
		if err != nil || k < 0 {
			return e.Fail("invalid number '%s'", n)
		}
		lines = lines[:min(k, len(lines))]
	}
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	for _, l := range lines {
		w.WriteString(l + "\n")
	}
	return 0
}
