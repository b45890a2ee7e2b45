package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// procEnv is what a command inherits: working directory, environment,
// user and standard streams.
type procEnv struct {
	dir    string
	env    []string
	user   *user
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// job is the shell background job the command belongs to, if any.
	job jobKey
	// tty is set when stdin and stdout are a terminal.
	tty bool
	// umask is the file mode creation mask (see umask.go).
	umask uint32
}

// getenv returns the value of name in the environment.
func (pe *procEnv) getenv(name string) string {
	for i := len(pe.env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(pe.env[i], "="); ok && k == name {
			return v
		}
	}
	return ""
}

// maxScriptDepth bounds #! chains (a script whose interpreter is a script).
const maxScriptDepth = 4

// Start starts a process in the container. The process outlives ctx; end
// it with [Process.Signal] or [Container.Close]. When argv[0] is not found,
// or not executable, Start returns an [*ExecError]; a native program that
// the sandbox cannot run starts, says so on stderr and exits 126.
func (c *Container) Start(ctx context.Context, cfg ProcessConfig) (*Process, error) {
	if len(cfg.Args) == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("no command specified")
	}
	u, err := c.lookupUser(cfg.User)
	if err != nil {
		return nil, err
	}
	dir := cfg.Dir
	if dir == "" {
		dir = "/"
	}
	if err := mkdirAll(c.fs, dir); err != nil {
		return nil, fmt.Errorf("sandbox: working directory %s: %w", dir, err)
	}
	pe := &procEnv{dir: dir, env: defaultEnv(cfg.Env, u, c.cfg.Hostname), user: u,
		stdin: cfg.Stdin, stdout: cfg.Stdout, stderr: cfg.Stderr, umask: c.rt.umask}
	if pe.stdout == nil {
		pe.stdout = io.Discard
	}
	if pe.stderr == nil {
		pe.stderr = io.Discard
	}
	if cfg.TTY {
		pe.stdout = &crlfWriter{w: pe.stdout}
		pe.stderr = pe.stdout
	}
	var tty *ttyReader
	if cfg.TTY && cfg.Stdin != nil {
		tty = &ttyReader{in: cfg.Stdin, echo: cfg.Stdout}
		pe.stdin = tty
		pe.tty = true
	}
	cmd, err := c.lookup(cfg.Args[0], pe)
	var ee *ExecError
	switch {
	case errors.As(err, &ee) && ee.Code == exitCannotRun && ee.Reason != reasonDenied && ee.Reason != reasonIsDir:
		// The file exists but the sandbox cannot run it (a native
		// program): the process starts, says why and exits 126.
		cmd = command{kind: kindFailed, path: ee.Name, interp: []string{ee.Reason}}
	case err != nil:
		return nil, err
	}
	p := c.newProcess(c.ctx, cfg.Args, u)
	if err := c.register(p); err != nil {
		return nil, err
	}
	if tty != nil {
		tty.intr = func() { c.interruptChildren(p) }
	}
	go func() { p.finish(c.run(p, cmd, cfg.Args, pe, 0)) }()
	return p, nil
}

// newProcess returns an unregistered process whose context derives from
// parent (so that killing a shell kills the commands it runs).
func (c *Container) newProcess(parent context.Context, args []string, u *user) *Process {
	p := &Process{c: c, args: args, user: u, started: time.Now(), done: make(chan struct{})}
	if pp := processFrom(parent); pp != nil {
		p.ppid = pp.pid
	}
	ctx, cancel := context.WithCancelCause(parent)
	p.ctx, p.cancel = withProcess(ctx, p), cancel
	return p
}

// finish records the exit status and unlists the process.
func (p *Process) finish(code int) {
	p.code = exitCode(p.ctx, code)
	p.ended = time.Now()
	p.cancel(nil)
	p.c.unregister(p)
	close(p.done)
}

// spawn runs args as a child of the process in ctx and returns its exit
// status; errors are reported on stderr as sh does.
func (c *Container) spawn(ctx context.Context, args []string, pe *procEnv) int {
	if err := ctx.Err(); err != nil {
		return exitCode(ctx, 1)
	}
	cmd, err := c.lookup(args[0], pe)
	if err != nil {
		return reportExecError(pe, err)
	}
	p := c.newProcess(ctx, args, pe.user)
	p.job = pe.job
	if err := c.register(p); err != nil {
		return exitCode(ctx, 137)
	}
	p.finish(c.run(p, cmd, args, pe, 0))
	return p.code
}

// reportExecError prints err as sh does and returns the exit status.
func reportExecError(pe *procEnv, err error) int {
	var ee *ExecError
	if errors.As(err, &ee) {
		fmt.Fprint(pe.stderr, ee.shellMessage("sh"))
		return ee.Code
	}
	fmt.Fprintf(pe.stderr, "sh: %v\n", err)
	return exitCannotRun
}

// run runs the resolved command in process p.
func (c *Container) run(p *Process, cmd command, args []string, pe *procEnv, depth int) int {
	if cmd.kind == kindApplet && cmd.name == "busybox" && len(args) > 1 {
		if args[1] == "--list" {
			for _, name := range c.busyboxList() {
				fmt.Fprintln(pe.stdout, name)
			}
			return 0
		}
		sub, ok := c.busyboxApplet(args[1])
		if !ok {
			fmt.Fprintf(pe.stderr, "%s: applet not found\n", args[1])
			return exitNotFound
		}
		cmd = sub
	}
	args = args[cmd.shift:]
	switch cmd.kind {
	case kindApplet:
		if cmd.name == "find" && hasFindExec(args) {
			return c.runFind(p, args, pe)
		}
		return c.rt.runApplet(c, p, cmd.name, args, pe)
	case kindShell:
		return c.runShell(p, cmd.name, args, pe)
	case kindBuiltin:
		return c.runBuiltin(p, cmd.name, args, pe)
	case kindFailed:
		fmt.Fprintf(pe.stderr, "exec %s: %s\n", cmd.path, cmd.interp[0])
		return exitCannotRun
	}
	// kindScript: run the interpreter with the script's path.
	if depth >= maxScriptDepth {
		fmt.Fprintf(pe.stderr, "sh: %s: too many levels of interpreters\n", cmd.path)
		return exitCannotRun
	}
	argv := append(append(append([]string{}, cmd.interp...), cmd.path), args[1:]...)
	icmd, err := c.lookup(argv[0], pe)
	if err != nil {
		return reportExecError(pe, err)
	}
	return c.run(p, icmd, argv, pe, depth+1)
}

// defaultEnv adds Docker's defaults to env.
func defaultEnv(env []string, u *user, hostname string) []string {
	out := append([]string{}, env...)
	have := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		have[k] = true
	}
	if !have["PATH"] {
		out = append(out, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	if !have["HOME"] {
		out = append(out, "HOME="+u.home)
	}
	if !have["HOSTNAME"] && hostname != "" {
		out = append(out, "HOSTNAME="+hostname)
	}
	return out
}

// crlfWriter writes "\n" as "\r\n", as a terminal in cooked mode does.
type crlfWriter struct{ w io.Writer }

func (t *crlfWriter) Write(b []byte) (int, error) {
	if !strings.Contains(string(b), "\n") {
		return t.w.Write(b)
	}
	out := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")
	if _, err := io.WriteString(t.w, out); err != nil {
		return 0, err
	}
	return len(b), nil
}
