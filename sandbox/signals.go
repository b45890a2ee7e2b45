package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// signalNames are the signals kill and timeout accept by name.
var signalNames = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "KILL": syscall.SIGKILL,
	"USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2, "PIPE": syscall.SIGPIPE, "ALRM": syscall.SIGALRM,
	"TERM": syscall.SIGTERM, "ABRT": syscall.SIGABRT, "CHLD": syscall.SIGCHLD, "CONT": syscall.SIGCONT,
	"STOP": syscall.SIGSTOP, "TSTP": syscall.SIGTSTP, "WINCH": syscall.SIGWINCH,
}

// parseSignal parses "TERM", "SIGTERM", "term" or "15".
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 65 {
		return syscall.Signal(n), true
	}
	sig, ok := signalNames[strings.TrimPrefix(strings.ToUpper(s), "SIG")]
	return sig, ok
}

// builtinKill is kill [-s SIG | -SIG | -n N] PID... and kill -l: it signals
// processes of the container by PID.
func builtinKill(c *Container, _ *Process, args []string, pe *procEnv) int {
	sig := syscall.SIGTERM
	i := 1
	if i < len(args) {
		a := args[i]
		switch {
		case a == "-l" || a == "-L":
			for n := 1; n < 32; n++ {
				fmt.Fprintf(pe.stdout, "%s\n", strings.TrimPrefix(syscall.Signal(n).String(), "SIG"))
			}
			return 0
		case (a == "-s" || a == "-n") && i+1 < len(args):
			s, ok := parseSignal(args[i+1])
			if !ok {
				fmt.Fprintf(pe.stderr, "kill: bad signal name '%s'\n", args[i+1])
				return 1
			}
			sig, i = s, i+2
		case a == "--":
			i++
		case strings.HasPrefix(a, "-") && len(a) > 1:
			s, ok := parseSignal(a[1:])
			if !ok {
				fmt.Fprintf(pe.stderr, "kill: bad signal name '%s'\n", a[1:])
				return 1
			}
			sig, i = s, i+1
		}
	}
	if i >= len(args) {
		fmt.Fprintln(pe.stderr, "Usage: kill [-s SIG | -SIG] PID...")
		return 1
	}
	code := 0
	for _, a := range args[i:] {
		if job, ok := parseJobID(a); ok {
			if err := c.killJob(jobKey{shell: pe.job.shell, path: pe.job.path + "/" + strconv.Itoa(job)}, sig); err != nil {
				fmt.Fprintf(pe.stderr, "kill: can't kill %s: %v\n", a, err)
				code = 1
			}
			continue
		}
		pid, err := strconv.Atoi(a)
		if err != nil {
			fmt.Fprintf(pe.stderr, "kill: invalid number '%s'\n", a)
			code = 1
			continue
		}
		proc, ok := c.process(pid)
		if !ok {
			fmt.Fprintf(pe.stderr, "kill: can't kill pid %d: No such process\n", pid)
			code = 1
			continue
		}
		if err := proc.Signal(sig); err != nil {
			fmt.Fprintf(pe.stderr, "kill: can't kill pid %d: %v\n", pid, err)
			code = 1
		}
	}
	return code
}
