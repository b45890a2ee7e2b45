package sandbox

import (
	"context"
	"strconv"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// Signal traps. The interpreter only knows the EXIT and ERR conditions, so
// the sandbox keeps a shell's signal traps itself: the call handler records
// "trap ACTION SIG..." and gives the interpreter the rest. A signal with a
// trap does not end the shell: as in ash, the action runs when the
// foreground command has finished (here: when the shell's next external
// command returns), and the shell goes on unless the action exits. A trap
// with an empty action ignores the signal.
//
// # Notes
//
//   - The action runs only in the shell itself, not in its subshells and
//     background jobs, and only once an external command has returned: a
//     shell blocked in "wait" or "read" runs it late.

// setTraps records the signal conditions of a trap command and returns the
// arguments left for the interpreter (EXIT and ERR).
func (p *Process) setTraps(args []string) []string {
	if len(args) < 2 || args[1] == "-p" || args[1] == "-l" || args[1] == "--" && len(args) < 3 {
		return args
	}
	ops := args[1:]
	if ops[0] == "--" {
		ops = ops[1:]
	}
	action, conds := ops[0], ops[1:]
	reset := action == "-"
	if _, err := strconv.Atoi(action); err == nil { // "trap 2 15" resets them
		reset, conds = true, ops
	}
	out := []string{"trap", action}
	if reset {
		out[1] = "-"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cond := range conds {
		sig, ok := parseSignal(cond)
		switch {
		case cond == "EXIT" || cond == "ERR" || cond == "0" || cond == "SIGEXIT":
			out = append(out, cond)
		case !ok || sig == syscall.SIGKILL || sig == syscall.SIGSTOP:
			out = append(out, cond) // the interpreter reports it as invalid
		case reset:
			delete(p.traps, sig)
		default:
			if p.traps == nil {
				p.traps = map[syscall.Signal]string{}
			}
			p.traps[sig] = action
		}
	}
	if len(out) == 2 {
		return []string{"true"}
	}
	return out
}

// trapped reports whether the shell p handles sig itself: it ignores it or
// queues it for its trap action.
func (p *Process) trapped(sig syscall.Signal) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	action, ok := p.traps[sig]
	if !ok {
		return false
	}
	if action != "" {
		p.pending = append(p.pending, sig)
	}
	return true
}

// runTraps runs the actions of the pending signals of the shell; a non-nil
// error is a change of control flow (the action ran "exit").
func (h *handlers) runTraps(ctx context.Context) error {
	p := h.shell
	for {
		p.mu.Lock()
		if len(p.pending) == 0 {
			p.mu.Unlock()
			return nil
		}
		sig := p.pending[0]
		p.pending = p.pending[1:]
		action := p.traps[sig]
		p.mu.Unlock()
		if action == "" {
			continue
		}
		if err := interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", action}); err != nil {
			return err
		}
	}
}
