package sandbox

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Background jobs: the interpreter names a job "gN" in $! and runs it in a
// goroutine that the sandbox cannot tell apart from its parent. So that
// "kill $!" works, runShell rewrites every "CMD &" into
//
//	{ J=$((J+1)); { IN=$IN/$J; J=0; CMD; } & }
//
// with J and IN two internal variables. The counter J runs in the shell
// that starts the job, in step with the interpreter's numbering of $!, and
// restarts in the job (a subshell numbers its jobs from g1 again); IN is the
// path of job numbers leading to the commands that see it ("/2/1": job 1 of
// job 2). A "( ... )" subshell also restarts the counter, and adds "/s" to
// the path. Killing job N of the shell at path P signals the running
// commands below P/N and stops the job from starting more.
const (
	jobCounterVar = "__sockerless_job"
	inJobVar      = "__sockerless_in_job"
)

// pidVars rename the parameters whose values the interpreter takes from
// the host process to variables the sandbox sets (see newShellEnv).
var pidVars = map[string]string{"$": "__sockerless_pid", "PPID": "__sockerless_ppid"}

// jobKey identifies a background job (or the commands outside any job, for
// path "") of one shell process.
type jobKey struct {
	shell *Process
	path  string
}

// contains reports whether the commands of k belong to job j.
func (j jobKey) contains(k jobKey) bool {
	return j.shell != nil && j.shell == k.shell && j.path != "" && (k.path == j.path || strings.HasPrefix(k.path, j.path+"/"))
}

// markJobs rewrites the background statements and subshells of prog, and
// its $$ and $PPID (see pidVars).
func markJobs(prog syntax.Node) {
	parser := syntax.NewParser()
	incr := mustParseStmt(parser, jobCounterVar+"=$(("+jobCounterVar+"+1))")
	enter := mustParseStmt(parser, inJobVar+"=$"+inJobVar+"/$"+jobCounterVar)
	reset := mustParseStmt(parser, jobCounterVar+"=0")
	sub := mustParseStmt(parser, inJobVar+"=$"+inJobVar+"/s")
	marked := map[syntax.Node]bool{}
	syntax.Walk(prog, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.ParamExp:
			// $$ and $PPID: the interpreter would give the daemon's.
			if x.Param != nil && (x.Param.Value == "$" || x.Param.Value == "PPID") {
				x.Param = &syntax.Lit{ValuePos: x.Param.ValuePos, ValueEnd: x.Param.ValueEnd, Value: pidVars[x.Param.Value]}
			}
		case *syntax.Subshell:
			if !marked[x] {
				marked[x] = true
				x.Stmts = append([]*syntax.Stmt{sub, reset}, x.Stmts...)
			}
		case *syntax.Stmt:
			if !x.Background || x.Coprocess || marked[x] {
				return true
			}
			orig := &syntax.Stmt{Cmd: x.Cmd, Redirs: x.Redirs, Negated: x.Negated, Position: x.Position}
			job := &syntax.Stmt{Cmd: &syntax.Block{Stmts: []*syntax.Stmt{enter, reset, orig}}, Background: true, Position: x.Position}
			marked[job] = true
			x.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{incr, job}}
			x.Background, x.Redirs, x.Negated = false, nil, false
		}
		return true // Walk goes on into the new nodes: nested jobs are marked too
	})
}

func mustParseStmt(p *syntax.Parser, src string) *syntax.Stmt {
	f, err := p.Parse(strings.NewReader(src), "")
	if err != nil || len(f.Stmts) != 1 {
		panic("sandbox: bad internal statement " + src)
	}
	return f.Stmts[0]
}

// jobOf returns the job path of the shell environment env ("" outside jobs).
func jobOf(env expand.Environ) string {
	return env.Get(inJobVar).String()
}

// parseJobID parses "gN" ($!) or "%N" into a job number.
func parseJobID(s string) (int, bool) {
	rest, ok := strings.CutPrefix(s, "g")
	if !ok {
		rest, ok = strings.CutPrefix(s, "%")
	}
	n, err := strconv.Atoi(rest)
	return n, ok && err == nil && n > 0
}

// shellEnv is the interpreter's view of the process environment: it hides
// the host's HOME, UID, EUID and GID, which the interpreter would otherwise
// read from the daemon's process, and holds the shell's PID and PPID.
type shellEnv struct {
	expand.Environ
	extra map[string]expand.Variable
}

func newShellEnv(env []string, u *user, p *Process) shellEnv {
	base := expand.ListEnviron(env...)
	id := func(n int) expand.Variable {
		return expand.Variable{Set: true, Kind: expand.String, ReadOnly: true, Str: strconv.Itoa(n)}
	}
	extra := map[string]expand.Variable{"UID": id(u.uid), "EUID": id(u.uid), "GID": id(u.gid),
		pidVars["$"]: id(p.pid), pidVars["PPID"]: id(p.ppid)}
	if !base.Get("HOME").IsSet() {
		extra["HOME"] = expand.Variable{Set: true, Kind: expand.String} // empty, not exported
	}
	return shellEnv{Environ: base, extra: extra}
}

// Get implements [expand.Environ].
func (e shellEnv) Get(name string) expand.Variable {
	if v := e.Environ.Get(name); v.IsSet() {
		return v
	}
	return e.extra[name]
}

// Each implements [expand.Environ].
func (e shellEnv) Each(fn func(name string, vr expand.Variable) bool) {
	stop := false
	e.Environ.Each(func(name string, vr expand.Variable) bool {
		stop = !fn(name, vr)
		return !stop
	})
	for name, vr := range e.extra {
		if stop || e.Environ.Get(name).IsSet() {
			continue
		}
		stop = !fn(name, vr)
	}
}
