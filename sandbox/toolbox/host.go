package toolbox

import (
	"slices"
	"strings"
)

// HostCommands returns the sorted names of the commands the runtime must
// implement in its host shell because no applet can: xargs, timeout, nice,
// nohup and which run or look up other commands; kill signals processes;
// chmod, chown and chgrp change metadata WASI cannot express. "env CMD" and "find ... -exec" are
// host commands too, but only in that form; see [NeedsHost].
func HostCommands() []string {
	// WASI preview1 cannot spawn processes or send signals, and it has no
	// file permissions or owners.
	return []string{"chgrp", "chmod", "chown", "kill", "nice", "nohup", "timeout", "which", "xargs"}
}

// NeedsHost reports whether the command line args (args[0] is the command
// name, any directory stripped) must be run by the runtime's host shell
// rather than by an applet: the [HostCommands], env with a command operand,
// and find with -exec, -execdir, -ok or -okdir.
func NeedsHost(args []string) bool {
	if len(args) == 0 {
		return false
	}
	name := args[0]
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "env":
		_, cmd := EnvCommand(args[1:])
		return len(cmd) > 0
	case "find":
		for _, a := range args[1:] {
			switch a {
			case "-exec", "-execdir", "-ok", "-okdir":
				return true
			}
		}
		return false
	}
	return slices.Contains(HostCommands(), name)
}

// EnvCommand splits the arguments of env into its own part (options and
// NAME=value assignments) and the command it runs, which is empty when env
// only prints the environment. Options are -i (also "-" and --ignore-environment),
// -0 and -u NAME (also -uNAME and --unset=NAME).
func EnvCommand(args []string) (own, cmd []string) {
	i := 0
	for i < len(args) {
		a := args[i]
		switch {
		case a == "--":
			i++
			goto assignments
		case a == "-u" || a == "--unset":
			i += 2
			continue
		case a == "-" || (strings.HasPrefix(a, "-") && len(a) > 1):
			i++
			continue
		}
		break
	}
assignments:
	for i < len(args) && strings.Contains(args[i], "=") && !strings.HasPrefix(args[i], "=") {
		i++
	}
	if i > len(args) {
		i = len(args)
	}
	return args[:i], args[i:]
}
