package sandbox

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xargsOptions are the supported options of xargs (busybox's set).
type xargsOptions struct {
	maxArgs   int    // -n
	replace   string // -I
	delim     byte   // -0, -d
	hasDelim  bool
	noEmpty   bool // -r
	trace     bool // -t
	lines     int  // -L
	eofString string
}

// builtinXargs is xargs [-0rt] [-n N] [-L N] [-I STR] [-d DELIM] [-P N]
// [CMD [ARG]...]. Commands run one after the other; -P is accepted and
// ignored. The exit status follows POSIX: 123 when a command failed, 124
// when one exited 255, 126/127 when one could not run.
func builtinXargs(c *Container, p *Process, args []string, pe *procEnv) int {
	var o xargsOptions
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && len(args[i]) > 1; i++ {
		a := args[i]
		val := func() (string, bool) {
			if len(a) > 2 {
				return a[2:], true
			}
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch a[:2] {
		case "-0":
			o.delim, o.hasDelim = 0, true
		case "-r":
			o.noEmpty = true
		case "-t":
			o.trace = true
		case "-x", "-p":
		case "-n", "-L", "-P", "-s", "-E", "-I", "-i", "-d":
			v, ok := val()
			if !ok && a[:2] != "-i" {
				fmt.Fprintf(pe.stderr, "xargs: option requires an argument -- '%c'\n", a[1])
				return 1
			}
			switch a[:2] {
			case "-n":
				o.maxArgs, _ = strconv.Atoi(v)
			case "-L":
				o.lines, _ = strconv.Atoi(v)
			case "-I", "-i":
				if v == "" {
					v = "{}"
				}
				o.replace, o.lines = v, 1
			case "-d":
				o.delim, o.hasDelim = unescapeDelim(v), true
			case "-E":
				o.eofString = v
			}
		case "--":
			i++
			goto done
		default:
			fmt.Fprintf(pe.stderr, "xargs: invalid option -- '%s'\n", a[1:])
			return 1
		}
	}
done:
	cmd := args[i:]
	if len(cmd) == 0 {
		cmd = []string{"echo"}
	}
	var in io.Reader = strings.NewReader("")
	if pe.stdin != nil {
		in = &ctxReader{p: p, r: pe.stdin}
	}
	batches, err := xargsBatches(in, o)
	if err != nil {
		fmt.Fprintf(pe.stderr, "xargs: %v\n", err)
		return 1
	}
	if len(batches) == 0 && !o.noEmpty && o.replace == "" {
		batches = [][]string{nil}
	}
	sub := *pe
	sub.stdin = nil // POSIX: the commands read /dev/null
	code := 0
	for _, items := range batches {
		argv := xargsArgv(cmd, items, o.replace)
		if o.trace {
			fmt.Fprintln(pe.stderr, strings.Join(argv, " "))
		}
		switch st := c.spawn(p.ctx, argv, &sub); {
		case st == 255:
			fmt.Fprintf(pe.stderr, "xargs: %s: exited with status 255; aborting\n", argv[0])
			return 124
		case st == exitNotFound || st == exitCannotRun:
			return st
		case st > 128 && p.ctx.Err() != nil:
			return st
		case st != 0:
			code = 123
		}
	}
	return code
}

// xargsArgv builds one command line.
func xargsArgv(cmd, items []string, replace string) []string {
	if replace == "" {
		return append(append([]string{}, cmd...), items...)
	}
	line := strings.Join(items, " ")
	out := make([]string, len(cmd))
	for i, a := range cmd {
		out[i] = strings.ReplaceAll(a, replace, line)
	}
	return out
}

// xargsBatches splits the input into the argument lists of each command.
func xargsBatches(r io.Reader, o xargsOptions) ([][]string, error) {
	br := bufio.NewReader(r)
	var batches [][]string
	var cur []string
	linesInCur := 0
	flush := func() {
		if len(cur) > 0 {
			batches = append(batches, cur)
		}
		cur, linesInCur = nil, 0
	}
	for {
		line, err := readRecord(br, o)
		if line != nil {
			items := line
			if o.replace != "" && !o.hasDelim {
				items = []string{strings.TrimLeft(strings.Join(line, " "), " \t")}
			}
			for _, it := range items {
				if o.eofString != "" && it == o.eofString {
					flush()
					return batches, nil
				}
				cur = append(cur, it)
				if o.maxArgs > 0 && len(cur) >= o.maxArgs {
					flush()
				}
			}
			if len(items) > 0 {
				linesInCur++
			}
			if o.lines > 0 && linesInCur >= o.lines {
				flush()
			}
		}
		if err == io.EOF {
			flush()
			return batches, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readRecord reads one line (or one delimited item) and splits it into
// arguments, honouring quotes and backslashes unless a delimiter is set.
func readRecord(br *bufio.Reader, o xargsOptions) ([]string, error) {
	if o.hasDelim {
		s, err := br.ReadString(o.delim)
		s = strings.TrimSuffix(s, string(o.delim))
		if s == "" && err != nil {
			return nil, err
		}
		return []string{s}, err
	}
	s, err := br.ReadString('\n')
	if s == "" {
		return nil, err
	}
	fields, qerr := splitXargs(strings.TrimSuffix(s, "\n"))
	if qerr != nil {
		return nil, qerr
	}
	return fields, err
}

// splitXargs splits a line on blanks, with '...', "..." and \x quoting.
func splitXargs(s string) ([]string, error) {
	var out []string
	var b strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else {
				b.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			in = true
		case ch == ' ' || ch == '\t':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unmatched %s quote", map[byte]string{'\'': "single", '"': "double"}[quote])
	}
	if in {
		out = append(out, b.String())
	}
	return out, nil
}

// unescapeDelim turns "\n", "\t", "\0" or a single character into a byte.
func unescapeDelim(s string) byte {
	switch s {
	case `\n`:
		return '\n'
	case `\t`:
		return '\t'
	case `\0`:
		return 0
	case "":
		return '\n'
	}
	return s[0]
}
