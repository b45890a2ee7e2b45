// Package diff implements busybox's diff: unified output only, with
// -U, -q, -s, -r, -N, -i, -b, -w, -B and -L.
package diff

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

type differ struct {
	e       *applet.Env
	o       applet.Opts
	context int
	labels  []string
	status  int
}

// Diff compares files line by line: diff [-abBdiNqrTstw] [-L LABEL] [-U LINES] FILE1 FILE2
func Diff(e *applet.Env) int {
	o, args, err := e.Getopt("abBdiNqrTstwuU:L:S:", "unified::", "ignore-case=i", "brief=q", "recursive=r",
		"new-file=N", "report-identical-files=s", "ignore-all-space=w", "ignore-space-change=b", "label=L:", "text=a")
	if err != nil {
		return 2
	}
	if len(args) != 2 {
		e.ShowUsage()
		return 2
	}
	d := &differ{e: e, o: o, context: 3, labels: o.All("L")}
	if u := o.Get("U", ""); u != "" {
		n, err := strconv.Atoi(u)
		if err != nil || n < 0 {
			e.Errorf("invalid number '%s'", u)
			return 2
		}
		d.context = n
	}
	a, b := args[0], args[1]
	stat := func(name string) (os.FileInfo, error) {
		if name == "-" {
			return nil, nil // standard input
		}
		return os.Stat(e.Path(name))
	}
	fa, errA := stat(a)
	fb, errB := stat(b)
	for _, x := range []struct {
		name string
		err  error
	}{{a, errA}, {b, errB}} {
		if x.err != nil && !(o.Has("N") && os.IsNotExist(x.err)) {
			e.Perror(x.err, "can't stat '%s'", x.name)
			return 2
		}
	}
	isDir := func(fi os.FileInfo, err error) bool { return err == nil && fi != nil && fi.IsDir() }
	switch {
	case isDir(fa, errA) && isDir(fb, errB):
		d.dirs(a, b)
	case isDir(fa, errA):
		d.files(path.Join(a, path.Base(b)), b)
	case isDir(fb, errB):
		d.files(a, path.Join(b, path.Base(a)))
	default:
		d.files(a, b)
	}
	return d.status
}

func (d *differ) read(name string) ([]byte, bool) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(d.e.Stdin)
	} else {
		data, err = os.ReadFile(d.e.Path(name))
	}
	if err != nil {
		if d.o.Has("N") && os.IsNotExist(err) {
			return nil, true
		}
		d.e.Perror(err, "can't open '%s'", name)
		d.status = 2
		return nil, false
	}
	return data, true
}

func (d *differ) key(line string) string {
	if d.o.Has("w") {
		line = strings.Join(strings.Fields(line), "")
	} else if d.o.Has("b") {
		line = strings.Join(strings.Fields(line), " ")
	}
	if d.o.Has("i") {
		line = strings.ToLower(line)
	}
	return line
}

func splitLines(data []byte) ([]string, bool) {
	if len(data) == 0 {
		return nil, true
	}
	s := string(data)
	nl := strings.HasSuffix(s, "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n"), nl
}

// files prints the unified diff of two files.
func (d *differ) files(a, b string) {
	da, okA := d.read(a)
	db, okB := d.read(b)
	if !okA || !okB {
		return
	}
	if bytes.Equal(da, db) {
		if d.o.Has("s") {
			fmt.Fprintf(d.e.Stdout, "Files %s and %s are identical\n", a, b)
		}
		return
	}
	la, nlA := splitLines(da)
	lb, nlB := splitLines(db)
	ka, kb := make([]string, len(la)), make([]string, len(lb))
	for i, l := range la {
		ka[i] = d.key(l)
	}
	for i, l := range lb {
		kb[i] = d.key(l)
	}
	ops := edits(ka, kb)
	if nlA != nlB && len(la) > 0 && len(lb) > 0 && !slices.ContainsFunc(ops, func(o op) bool { return o.kind != ' ' }) {
		// Only the final newline differs: the last line changes.
		ops[len(ops)-1] = op{'-', len(la) - 1, len(lb) - 1}
		ops = append(ops, op{'+', len(la) - 1, len(lb) - 1})
	}
	if !slices.ContainsFunc(ops, func(o op) bool { return o.kind != ' ' }) {
		return
	}
	d.status = max(d.status, 1)
	if d.o.Has("q") {
		fmt.Fprintf(d.e.Stdout, "Files %s and %s differ\n", a, b)
		return
	}
	la1, lb1 := a, b
	if len(d.labels) > 0 {
		la1 = d.labels[0]
	}
	if len(d.labels) > 1 {
		lb1 = d.labels[1]
	}
	fmt.Fprintf(d.e.Stdout, "--- %s\n+++ %s\n", la1, lb1)
	d.hunks(ops, la, lb, nlA, nlB)
}
