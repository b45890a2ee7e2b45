package sandbox

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// findExec is one -exec, -execdir, -ok or -okdir of a find command line.
type findExec struct {
	cmd   []string // with "{}" where the path goes
	batch bool     // terminated by "{} +": one command for many paths
	dir   bool     // -execdir/-okdir: run in the file's directory
	ask   bool     // -ok/-okdir: ask on stderr, read the answer on stdin
	paths []string // batched paths
}

// hasFindExec reports whether a find command line runs commands.
func hasFindExec(args []string) bool {
	for _, a := range args[1:] {
		switch a {
		case "-exec", "-execdir", "-ok", "-okdir":
			return true
		}
	}
	return false
}

// runFind runs find with -exec and friends: the find applet (which cannot
// start commands under WASI) gets "-sockerless-exec N" in their place and
// writes a record stream: 'o' records are its output, 'x' records ask the
// host to run exec N on a path. The -exec test is always true in the
// applet, so its result cannot steer the rest of the expression.
func (c *Container) runFind(p *Process, args []string, pe *procEnv) int {
	var execs []*findExec
	fargs := []string{"find"}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a != "-exec" && a != "-execdir" && a != "-ok" && a != "-okdir" {
			fargs = append(fargs, a)
			continue
		}
		j := i + 1
		for j < len(args) && args[j] != ";" && (args[j] != "+" || args[j-1] != "{}") {
			j++
		}
		if j == len(args) || j == i+1 {
			fmt.Fprintf(pe.stderr, "find: missing argument to '%s'\n", a)
			return 1
		}
		execs = append(execs, &findExec{cmd: args[i+1 : j], batch: args[j] == "+", dir: strings.HasSuffix(a, "dir"), ask: strings.HasPrefix(a, "-ok")})
		fargs = append(fargs, "-sockerless-exec", strconv.Itoa(len(execs)-1))
		i = j
	}
	pr, pw := io.Pipe()
	sub := *pe
	sub.stdout = pw
	done := make(chan int, 1)
	go func() {
		code := c.spawn(p.ctx, fargs, &sub)
		pw.Close()
		done <- code
	}()
	var answers *bufio.Reader
	if pe.stdin != nil {
		answers = bufio.NewReader(&ctxReader{p: p, r: pe.stdin})
	}
	failed := false
	br := bufio.NewReader(pr)
	for {
		kind, payload, err := readFindRecord(br)
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(pe.stderr, "find: %v\n", err)
				failed = true
			}
			pr.CloseWithError(err)
			break
		}
		if kind == 'o' {
			io.WriteString(pe.stdout, payload)
			continue
		}
		n, file, _ := strings.Cut(payload, " ")
		i, err := strconv.Atoi(n)
		if kind != 'x' || err != nil || i < 0 || i >= len(execs) {
			continue
		}
		x := execs[i]
		if x.batch {
			x.paths = append(x.paths, file)
			continue
		}
		if x.ask && !c.findAsk(x, file, pe, answers) {
			continue
		}
		c.findRun(p, x, []string{file}, pe)
	}
	code := <-done
	for _, x := range execs {
		if x.batch && len(x.paths) > 0 && c.findRun(p, x, x.paths, pe) != 0 {
			failed = true
		}
	}
	if code == 0 && failed {
		code = 1
	}
	return code
}

// findRun runs x on files and returns its exit status.
func (c *Container) findRun(p *Process, x *findExec, files []string, pe *procEnv) int {
	sub := *pe
	if x.dir {
		sub.dir = rootPath(pe.dir, path.Dir(files[0]))
		for i, f := range files {
			files[i] = "./" + path.Base(f)
		}
	}
	var argv []string
	for _, a := range x.cmd {
		switch {
		case a == "{}" && x.batch:
			argv = append(argv, files...)
		default:
			argv = append(argv, strings.ReplaceAll(a, "{}", files[0]))
		}
	}
	return c.spawn(p.ctx, argv, &sub)
}

// findAsk asks whether to run x on file, as -ok does.
func (c *Container) findAsk(x *findExec, file string, pe *procEnv, answers *bufio.Reader) bool {
	fmt.Fprintf(pe.stderr, "< %s ... %s > ? ", x.cmd[0], file)
	if answers == nil {
		return false
	}
	line, _ := answers.ReadString('\n')
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y")
}

// readFindRecord reads one record: a kind byte, the payload length in
// decimal, a newline and the payload.
func readFindRecord(br *bufio.Reader) (byte, string, error) {
	kind, err := br.ReadByte()
	if err != nil {
		return 0, "", err
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return 0, "", io.ErrUnexpectedEOF
	}
	n, err := strconv.Atoi(strings.TrimSuffix(line, "\n"))
	if err != nil || n < 0 || n > 1<<20 {
		return 0, "", fmt.Errorf("bad record from the find applet")
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(br, buf); err != nil {
		return 0, "", io.ErrUnexpectedEOF
	}
	return kind, string(buf), nil
}
