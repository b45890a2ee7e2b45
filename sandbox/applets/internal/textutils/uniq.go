package textutils

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Uniq collapses adjacent equal lines: uniq [-cduiz] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]
func Uniq(e *applet.Env) int {
	o, args, err := e.Getopt("cduizf:s:w:", "count=c", "repeated=d", "unique=u", "ignore-case=i",
		"skip-fields=f:", "skip-chars=s:", "check-chars=w:")
	if err != nil {
		return 1
	}
	nums := map[string]int{}
	for _, k := range []string{"f", "s", "w"} {
		if v := o.Get(k, ""); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return e.Fail("invalid number '%s'", v)
			}
			nums[k] = n
		}
	}
	if len(args) > 2 {
		return e.Fail("extra operand '%s'", args[2])
	}
	in := io.Reader(e.Stdin)
	if len(args) > 0 && args[0] != "-" {
		f, err := os.Open(e.Path(args[0]))
		if err != nil {
			e.Perror(err, "can't open '%s'", args[0])
			return 1
		}
		defer f.Close()
		in = f
	}
	out := e.Stdout
	if len(args) > 1 && args[1] != "-" {
		f, err := os.Create(e.Path(args[1]))
		if err != nil {
			e.Perror(err, "can't open '%s'", args[1])
			return 1
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		out = bw
	}
	key := func(l string) string {
		for i := 0; i < nums["f"]; i++ {
			l = strings.TrimLeft(l, " \t")
			if j := strings.IndexAny(l, " \t"); j >= 0 {
				l = l[j:]
			} else {
				l = ""
			}
		}
		l = l[min(nums["s"], len(l)):]
		if w, ok := nums["w"]; ok {
			l = l[:min(w, len(l))]
		}
		if o.Has("i") {
			l = strings.ToLower(l)
		}
		return l
	}
	emit := func(line string, n int) {
		if (o.Has("d") && n < 2) || (o.Has("u") && n > 1) {
			return
		}
		if o.Has("c") {
			fmt.Fprintf(out, "%7d %s\n", n, line)
		} else {
			fmt.Fprintln(out, line)
		}
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var prev, prevKey string
	n := 0
	for sc.Scan() {
		l := sc.Text()
		k := key(l)
		if n > 0 && k == prevKey {
			n++
			continue
		}
		if n > 0 {
			emit(prev, n)
		}
		prev, prevKey, n = l, k, 1
	}
	if n > 0 {
		emit(prev, n)
	}
	return 0
}
