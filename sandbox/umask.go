package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// The file mode creation mask. The interpreter has no umask builtin, so the
// call handler sends "umask" here; a shell keeps its mask in the variable
// umaskVar, so that subshells get a copy, as they do of the real mask. A
// process inherits its shell's mask, which applies to the files the shell
// and the applets create. The host daemon's own umask applies as well, so a
// mask can only be narrower than the daemon's in effect.

// umaskVar holds a shell's mask once "umask MODE" ran, in octal.
const umaskVar = "__sockerless_umask"

// hostUmask reads the daemon's umask from /proc/self/status (022 when it
// cannot be read) without changing it.
func hostUmask() uint32 {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(n)
				}
			}
		}
	}
	return 0o022
}

// applyUmask removes the masked bits from perm.
func applyUmask(perm fs.FileMode, mask uint32) fs.FileMode {
	return perm &^ fs.FileMode(mask)
}

// parseUmask parses an octal mask.
func parseUmask(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 8, 32)
	return uint32(n), err == nil && n <= 0o777
}

// builtinUmask is umask [-S] [MODE] in octal.
func builtinUmask(_ *Container, _ *Process, args []string, pe *procEnv) int {
	ops := args[1:]
	symbolic := len(ops) > 0 && ops[0] == "-S"
	if symbolic {
		ops = ops[1:]
	}
	if len(ops) == 0 {
		m := pe.umask
		if symbolic {
			fmt.Fprintf(pe.stdout, "u=%s,g=%s,o=%s\n", rwx(^m>>6&7), rwx(^m>>3&7), rwx(^m&7))
		} else {
			fmt.Fprintf(pe.stdout, "%04o\n", m)
		}
		return 0
	}
	// Setting the mask is done by the shell's exec handler (setUmask).
	fmt.Fprintf(pe.stderr, "sh: umask: invalid mode '%s' (octal modes only)\n", ops[0])
	return 1
}

func rwx(bits uint32) string {
	var b strings.Builder
	for i, c := range "rwx" {
		if bits&(4>>i) != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}
