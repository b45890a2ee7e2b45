package textutils

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Tee copies standard input to standard output and files: tee [-ai] [FILE]...
func Tee(e *applet.Env) int {
	o, files, err := e.Getopt("ai", "append=a", "ignore-interrupts=i")
	if err != nil {
		return 1
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.Has("a") {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	status := 0
	var outs []io.Writer
	for _, name := range files {
		if name == "-" {
			outs = append(outs, e.Stdout)
			continue
		}
		f, err := os.OpenFile(e.Path(name), flag, 0o666)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
			continue
		}
		defer f.Close()
		outs = append(outs, f)
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := e.Stdin.Read(buf)
		if n > 0 {
			e.Stdout.Write(buf[:n])
			e.Flush()
			for _, w := range outs {
				w.Write(buf[:n])
			}
		}
		if err != nil {
			return status
		}
	}
}

// Yes prints its arguments (or "y") forever: yes [STRING]...
func Yes(e *applet.Env) int {
	s := "y"
	if len(e.Args) > 1 {
		s = strings.Join(e.Args[1:], " ")
	}
	line := []byte(s + "\n")
	buf := bytes.Repeat(line, max(1, 4096/len(line)))
	for {
		if _, err := e.Stdout.Write(buf); err != nil {
			return 0
		}
	}
}

// Base64 encodes or decodes: base64 [-d] [-w COLS] [FILE]
func Base64(e *applet.Env) int {
	o, args, err := e.Getopt("diw:", "decode=d", "ignore-garbage=i", "wrap=w:")
	if err != nil {
		return 1
	}
	in := io.Reader(e.Stdin)
	if len(args) > 0 && args[0] != "-" {
		f, err := os.Open(e.Path(args[0]))
		if err != nil {
			e.Perror(err, "%s", args[0])
			return 1
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(in)
	if err != nil {
		e.Perror(err, "read error")
		return 1
	}
	if o.Has("d") {
		// Like busybox, skip everything outside the alphabet and decode
		// what is left; a trailing partial group is dropped.
		clean := strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' {
				return r
			}
			return -1
		}, string(data))
		if len(clean)%4 == 1 {
			clean = clean[:len(clean)-1]
		}
		out, err := base64.RawStdEncoding.DecodeString(clean)
		e.Stdout.Write(out)
		if err != nil {
			return e.Fail("invalid input")
		}
		return 0
	}
	wrap := 76
	if w := o.Get("w", ""); w != "" {
		if wrap, err = strconv.Atoi(w); err != nil || wrap < 0 {
			return e.Fail("invalid number '%s'", w)
		}
	}
	enc := base64.StdEncoding.EncodeToString(data)
	bw := bufio.NewWriter(e.Stdout)
	defer bw.Flush()
	for wrap > 0 && len(enc) > wrap {
		bw.WriteString(enc[:wrap] + "\n")
		enc = enc[wrap:]
	}
	if enc != "" {
		bw.WriteString(enc)
		if wrap > 0 {
			bw.WriteString("\n") // busybox ends -w 0 output without one
		}
	}
	return 0
}

// Cmp compares two files byte by byte: cmp [-ls] FILE1 [FILE2]
func Cmp(e *applet.Env) int {
	o, args, err := e.Getopt("ls", "verbose=l", "silent=s", "quiet=s")
	if err != nil {
		return 2
	}
	if len(args) < 1 || len(args) > 2 {
		e.ShowUsage()
		return 2
	}
	if len(args) == 1 {
		args = append(args, "-")
	}
	var r [2]*bufio.Reader
	for i, name := range args {
		f, err := e.Open(name)
		if err != nil {
			if !o.Has("s") {
				e.Perror(err, "can't open '%s'", name)
			}
			return 2
		}
		defer f.Close()
		r[i] = bufio.NewReader(f)
	}
	status := 0
	line := 1
	for pos := 1; ; pos++ {
		a, errA := r[0].ReadByte()
		b, errB := r[1].ReadByte()
		if errA != nil || errB != nil {
			if errA != nil && errB != nil {
				return status
			}
			short := args[0]
			if errB != nil {
				short = args[1]
			}
			if !o.Has("s") {
				e.Errorf("EOF on %s", short)
			}
			return 1
		}
		if a != b {
			status = 1
			if o.Has("s") {
				return 1
			}
			if !o.Has("l") {
				fmt.Fprintf(e.Stdout, "%s %s differ: char %d, line %d\n", args[0], args[1], pos, line)
				return 1
			}
			fmt.Fprintf(e.Stdout, "%d %o %o\n", pos, a, b)
		}
		if a == '\n' {
			line++
		}
	}
}
