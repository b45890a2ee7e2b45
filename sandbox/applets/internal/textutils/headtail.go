package textutils

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// legacyCount rewrites head/tail's historical "-5" and "+5" forms to "-n".
func legacyCount(args []string) []string {
	if len(args) > 1 && len(args[1]) > 1 && (args[1][0] == '-' || args[1][0] == '+') {
		if _, err := strconv.Atoi(args[1][1:]); err == nil {
			n := args[1][1:]
			if args[1][0] == '+' {
				n = "+" + n
			}
			return append([]string{args[0], "-n", n}, args[2:]...)
		}
	}
	return args
}

// Head prints the first lines (or bytes) of files: head [-n N] [-c N] [-qv] [FILE]...
// A negative N prints all but the last N.
func Head(e *applet.Env) int {
	e.Args = legacyCount(e.Args)
	o, files, err := e.Getopt("n:c:qv", "lines=n:", "bytes=c:", "quiet=q", "silent=q", "verbose=v")
	if err != nil {
		return 1
	}
	bytesMode := o.Has("c")
	spec := o.Get("n", "10")
	if bytesMode {
		spec = o.Get("c", "")
	}
	n, allBut, ok := parseCount(strings.TrimPrefix(spec, "+"))
	if !ok {
		return e.Fail("invalid number '%s'", spec)
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	headers := o.Has("v") || (len(files) > 1 && !o.Has("q"))
	status := 0
	for i, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
			continue
		}
		if headers {
			if i > 0 {
				fmt.Fprintln(e.Stdout)
			}
			fmt.Fprintf(e.Stdout, "==> %s <==\n", displayName(name))
		}
		data := bufio.NewReader(f)
		switch {
		case allBut:
			all, _ := io.ReadAll(data)
			keep := cutTail(all, n, bytesMode)
			e.Stdout.Write(all[:keep])
		case bytesMode:
			io.CopyN(e.Stdout, data, n)
		default:
			for k := int64(0); k < n; k++ {
				line, err := data.ReadBytes('\n')
				e.Stdout.Write(line)
				if err != nil {
					break
				}
			}
		}
		f.Close()
	}
	return status
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// parseCount parses N with busybox's suffixes (b, k, m) and a leading '-'.
func parseCount(s string) (n int64, negative, ok bool) {
	if strings.HasPrefix(s, "-") {
		negative, s = true, s[1:]
	}
	mult := int64(1)
	for suf, m := range map[string]int64{"b": 512, "k": 1024, "m": 1024 * 1024} {
		if strings.HasSuffix(s, suf) {
			s, mult = strings.TrimSuffix(s, suf), m
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, false, false
	}
	return v * mult, negative, true
}

// cutTail returns the length of data without its last n lines (or bytes).
func cutTail(data []byte, n int64, bytesMode bool) int {
	if bytesMode {
		return max(0, len(data)-int(n))
	}
	if len(data) == 0 {
		return 0
	}
	starts := []int{0}
	for i, c := range data {
		if c == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	if n >= int64(len(starts)) {
		return 0
	}
	if n == 0 {
		return len(data)
	}
	return starts[int64(len(starts))-n]
}

// Tail prints the last lines (or bytes) of files:
// tail [-fqv] [-n [+]N] [-c [+]N] [-s SECONDS] [FILE]...
func Tail(e *applet.Env) int {
	e.Args = legacyCount(e.Args)
	o, files, err := e.Getopt("fFn:c:qvs:", "lines=n:", "bytes=c:", "follow=f", "quiet=q", "silent=q", "verbose=v", "sleep-interval=s:")
	if err != nil {
		return 1
	}
	bytesMode := o.Has("c")
	spec := o.Get("n", "10")
	if bytesMode {
		spec = o.Get("c", "")
	}
	fromStart := strings.HasPrefix(spec, "+")
	n, _, ok := parseCount(strings.TrimLeft(spec, "+-"))
	if !ok {
		return e.Fail("invalid number '%s'", spec)
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	headers := o.Has("v") || (len(files) > 1 && !o.Has("q"))
	status, opened := 0, 0
	defer func() {
		if opened == 0 {
			e.Errorf("no files") // as busybox, when no file could be read
		}
	}()
	for i, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "can't open '%s'", name)
			status = 1
			continue
		}
		opened++
		if headers {
			if i > 0 {
				fmt.Fprintln(e.Stdout)
			}
			fmt.Fprintf(e.Stdout, "==> %s <==\n", displayName(name))
		}
		all, _ := io.ReadAll(f)
		e.Stdout.Write(all[tailStart(all, n, bytesMode, fromStart):])
		f.Close()
	}
	if (o.Has("f") || o.Has("F")) && len(files) == 1 && files[0] != "-" && status == 0 {
		interval := time.Second
		if s := o.Get("s", ""); s != "" {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				interval = time.Duration(v * float64(time.Second))
			}
		}
		return follow(e, files[0], interval)
	}
	return status
}

// tailStart returns where the output of tail starts in data.
func tailStart(data []byte, n int64, bytesMode, fromStart bool) int {
	switch {
	case bytesMode && fromStart:
		return min(len(data), int(max(n-1, 0)))
	case bytesMode:
		return max(0, len(data)-int(n))
	case fromStart:
		pos := 0
		for k := int64(1); k < n && pos < len(data); k++ {
			i := bytes.IndexByte(data[pos:], '\n')
			if i < 0 {
				return len(data)
			}
			pos += i + 1
		}
		return pos
	}
	if n == 0 {
		return len(data)
	}
	end := len(data)
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	for k := int64(0); k < n; k++ {
		i := bytes.LastIndexByte(data[:end], '\n')
		if i < 0 {
			return 0
		}
		if k == n-1 {
			return i + 1
		}
		end = i
	}
	return 0
}

// follow prints what is appended to name until the applet is killed; WASI
// has no inotify, so it polls.
func follow(e *applet.Env, name string, interval time.Duration) int {
	f, err := os.Open(e.Path(name))
	if err != nil {
		e.Perror(err, "can't open '%s'", name)
		return 1
	}
	defer f.Close()
	off, _ := f.Seek(0, io.SeekEnd)
	buf := make([]byte, 32<<10)
	for {
		e.Flush()
		time.Sleep(interval)
		if fi, err := os.Stat(e.Path(name)); err == nil && fi.Size() < off {
			off, _ = f.Seek(0, io.SeekStart)
		}
		for {
			k, err := f.Read(buf)
			e.Stdout.Write(buf[:k])
			off += int64(k)
			if err != nil || k == 0 {
				break
			}
		}
	}
}
