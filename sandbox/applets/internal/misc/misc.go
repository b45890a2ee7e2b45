// Package misc implements small toolbox applets: truncate, unlink, link,
// tty, usleep and factor.
package misc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Truncate sets file sizes: truncate [-c] -s [+-]SIZE FILE...
func Truncate(e *applet.Env) int {
	o, files, err := e.Getopt("cs:", "no-create=c", "size=s:")
	if err != nil {
		return 1
	}
	spec := o.Get("s", "")
	if spec == "" || len(files) == 0 {
		return e.ShowUsage()
	}
	rel := byte(0)
	if spec[0] == '+' || spec[0] == '-' {
		rel, spec = spec[0], spec[1:]
	}
	mult := int64(1)
	for suf, m := range map[string]int64{"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30} {
		if strings.HasSuffix(spec, suf) {
			spec, mult = strings.TrimSuffix(spec, suf), m
		}
	}
	n, err := strconv.ParseInt(spec, 10, 64)
	if err != nil || n < 0 {
		return e.Fail("invalid number '%s'", o.Get("s", ""))
	}
	n *= mult
	status := 0
	for _, name := range files {
		fi, err := os.Stat(e.Path(name))
		if err != nil && (o.Has("c") || !os.IsNotExist(err)) {
			if !o.Has("c") {
				e.Perror(err, "%s", name)
				status = 1
			}
			continue
		}
		size := n
		if fi != nil {
			switch rel {
			case '+':
				size = fi.Size() + n
			case '-':
				size = max(0, fi.Size()-n)
			}
		}
		f, err := os.OpenFile(e.Path(name), os.O_WRONLY|os.O_CREATE, 0o666)
		if err == nil {
			err = f.Truncate(size)
			f.Close()
		}
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
		}
	}
	return status
}

// Unlink removes one file: unlink FILE
func Unlink(e *applet.Env) int {
	if len(e.Args) != 2 {
		return e.ShowUsage()
	}
	if err := os.Remove(e.Path(e.Args[1])); err != nil {
		e.Perror(err, "can't remove file '%s'", e.Args[1])
		return 1
	}
	return 0
}

// Link makes one hard link: link FILE LINK
func Link(e *applet.Env) int {
	if len(e.Args) != 3 {
		return e.ShowUsage()
	}
	if err := os.Link(e.Path(e.Args[1]), e.Path(e.Args[2])); err != nil {
		e.Perror(err, "can't create link '%s' to '%s'", e.Args[2], e.Args[1])
		return 1
	}
	return 0
}

// Tty prints the terminal name. WASI standard input is never a terminal, so
// it prints "not a tty" and exits 1, as busybox does on a pipe.
func Tty(e *applet.Env) int {
	o, _, err := e.Getopt("s")
	if err != nil {
		return 2
	}
	if !o.Has("s") {
		fmt.Fprintln(e.Stdout, "not a tty")
	}
	return 1
}

// Usleep sleeps for N microseconds: usleep N
func Usleep(e *applet.Env) int {
	if len(e.Args) != 2 {
		return e.ShowUsage()
	}
	n, err := strconv.ParseUint(e.Args[1], 10, 63)
	if err != nil {
		return e.Fail("invalid number '%s'", e.Args[1])
	}
	e.Flush()
	time.Sleep(time.Duration(n) * time.Microsecond)
	return 0
}

// Factor prints the prime factors of numbers: factor [NUMBER]...
func Factor(e *applet.Env) int {
	args := e.Args[1:]
	status := 0
	for _, a := range args {
		n, err := strconv.ParseUint(strings.TrimSpace(a), 10, 64)
		if err != nil {
			e.Errorf("invalid number '%s'", a)
			status = 1
			continue
		}
		fmt.Fprintf(e.Stdout, "%d:", n)
		for p := uint64(2); p*p <= n; p++ {
			for n%p == 0 {
				fmt.Fprintf(e.Stdout, " %d", p)
				n /= p
			}
		}
		if n > 1 {
			fmt.Fprintf(e.Stdout, " %d", n)
		}
		fmt.Fprintln(e.Stdout)
	}
	return status
}
