package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// runShell runs the shell interpreter as "sh [-eux...] [-c CMD [NAME ARGS...] | FILE ARGS... | -s ARGS...]".
func (c *Container) runShell(p *Process, name string, args []string, pe *procEnv) int {
	var flags []string
	var script, file string
	hasScript := false
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" {
			i++
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		if strings.HasPrefix(a, "--") {
			// Long options: busybox ash ignores them; bash's that only
			// concern start-up files and line editing, which the sandbox's
			// shell never reads or does, are ignored too (act runs
			// "bash --noprofile --norc -e -o pipefail FILE").
			if name != "bash" || a == "--noprofile" || a == "--norc" || a == "--noediting" || a == "--login" {
				continue
			}
			fmt.Fprintf(pe.stderr, "%s: %s: invalid option\n", name, a)
			return 2
		}
		if a == "-o" || a == "+o" {
			if i+1 < len(args) {
				flags = append(flags, a, args[i+1])
				i++
			}
			continue
		}
		rest := ""
		for _, ch := range a[1:] {
			switch ch {
			case 'c':
				hasScript = true
			case 's', 'i', 'l':
				// read commands from stdin (the default without a file)
			default:
				rest += string(ch)
			}
		}
		if rest != "" {
			flags = append(flags, string(a[0])+rest)
		}
	}
	params := args[i:]
	if hasScript {
		if len(params) == 0 {
			fmt.Fprintf(pe.stderr, "%s: -c requires an argument\n", name)
			return 2
		}
		script, params = params[0], params[1:]
		if len(params) > 0 { // sh -c CMD NAME ARGS: NAME is $0
			params = params[1:]
		}
	} else if len(params) > 0 {
		file, params = params[0], params[1:]
	}
	if !hasScript && file == "" && pe.stdin != nil {
		// The parser and the commands share stdin: give both one pipe.
		in, err := pipeFrom(p, pe.stdin)
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: %v\n", name, err)
			return 2
		}
		if in != pe.stdin {
			defer in.Close()
		}
		sub := *pe
		sub.stdin, pe = in, &sub
	}
	r, err := c.newRunner(p, pe, append(append(flags, "--"), params...))
	if err != nil {
		fmt.Fprintf(pe.stderr, "%s: %v\n", name, err)
		return 2
	}
	ctx := p.ctx
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	switch {
	case hasScript:
		prog, err := parser.Parse(strings.NewReader(script), name)
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: %v\n", name, err)
			return 2
		}
		markJobs(prog)
		return shellExit(ctx, r.Run(ctx, prog))
	case file != "":
		f, err := c.openFile(rootPath(pe.dir, file), os.O_RDONLY, 0)
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: can't open '%s': %s\n", name, file, errText(err))
			return exitNotFound
		}
		prog, err := parser.Parse(f, file)
		f.Close()
		if err != nil {
			fmt.Fprintf(pe.stderr, "%s: %v\n", name, err)
			return 2
		}
		markJobs(prog)
		return shellExit(ctx, r.Run(ctx, prog))
	}
	// Commands from stdin, run as each one is complete (docker run -i).
	if pe.stdin == nil {
		return 0
	}
	var runErr error
	prompt := func() {
		if pe.tty {
			io.WriteString(pe.stdout, prompt(r, pe))
		}
	}
	prompt()
	err = parser.Interactive(&finalNewline{r: &ctxReader{p: p, r: pe.stdin}}, func(stmts []*syntax.Stmt) bool {
		if parser.Incomplete() {
			if pe.tty {
				io.WriteString(pe.stdout, "> ")
			}
			return true
		}
		for _, st := range stmts {
			markJobs(st)
			runErr = r.Run(ctx, st)
			if r.Exited() {
				return false
			}
		}
		prompt()
		return ctx.Err() == nil
	})
	if err != nil && runErr == nil && !errors.Is(err, io.ErrClosedPipe) {
		fmt.Fprintf(pe.stderr, "%s: %v\n", name, err)
		return 2
	}
	return shellExit(ctx, runErr)
}

// prompt returns the interactive prompt: $PS1 (without expansions) or busybox's
// default for a terminal, "DIR # " for root and "DIR $ " for others.
func prompt(r *interp.Runner, pe *procEnv) string {
	if ps1 := pe.getenv("PS1"); ps1 != "" {
		return ps1
	}
	if pe.user.uid == 0 {
		return r.Dir + " # "
	}
	return r.Dir + " $ "
}

// pipeFrom returns an *os.File that reads what r yields, until the process
// ends.
func pipeFrom(p *Process, r io.Reader) (*os.File, error) {
	if f, ok := r.(*os.File); ok {
		return f, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	go func() {
		io.Copy(pw, &ctxReader{p: p, r: r})
		pw.Close()
	}()
	return pr, nil
}

// shellExit turns the runner's result into an exit status.
func shellExit(ctx context.Context, err error) int {
	if st, ok := interp.IsExitStatus(err); ok {
		return exitCode(ctx, int(st))
	}
	if err != nil {
		return exitCode(ctx, 1)
	}
	return exitCode(ctx, 0)
}

// newRunner returns an interpreter whose every file access and command
// goes through the container.
func (c *Container) newRunner(p *Process, pe *procEnv, params []string) (*interp.Runner, error) {
	env := append(append([]string{}, pe.env...), "PWD="+pe.dir)
	h := &handlers{c: c, pe: pe, shell: p}
	r, err := interp.New(
		interp.Env(newShellEnv(env, pe.user, p)),
		interp.StdIO(pe.stdin, pe.stdout, pe.stderr),
		interp.Params(params...),
		interp.OpenHandler(h.open),
		interp.ReadDirHandler2(h.readDir),
		interp.StatHandler(h.stat),
		interp.AccessHandler(h.access),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return h.exec }),
		interp.CallHandler(h.call),
	)
	if err != nil {
		return nil, err
	}
	r.Dir = pe.dir
	h.runner = r
	return r, nil
}

// finalNewline reads r and adds a newline at its end when the last line has
// none: mvdan.cc/sh's Interactive parser drops an unterminated last line,
// and a shell runs it ("printf '. /gcl-cmd' | docker start -ai", as
// gitlab-ci-local feeds its job script).
type finalNewline struct {
	r    io.Reader
	last byte // the last byte read, 0 before any
	eof  bool
}

func (f *finalNewline) Read(b []byte) (int, error) {
	if f.eof {
		return 0, io.EOF
	}
	n, err := f.r.Read(b)
	if n > 0 {
		f.last = b[n-1]
	}
	if err == io.EOF {
		f.eof = true
		if n < len(b) && f.last != '\n' && f.last != 0 { // nothing to add after an empty input
			b[n] = '\n'
			n++
		}
		if n > 0 {
			return n, nil
		}
	}
	return n, err
}
