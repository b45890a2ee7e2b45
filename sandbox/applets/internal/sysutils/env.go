package sysutils

import (
	"fmt"
	"os"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Env prints the environment, changed by -i, -u and NAME=value operands:
// env [-i0] [-u NAME]... [NAME=VALUE]...
//
// "env ... COMMAND" runs a command, which WASI cannot do: the sandbox's host
// shell handles that form (toolbox.NeedsHost) and this applet only reports
// the command it was asked to run.
func Env(e *applet.Env) int {
	o, args, err := e.GetoptPosix("i0u:", "ignore-environment=i", "null=0", "unset=u:")
	if err != nil {
		return 125
	}
	if len(args) > 0 && args[0] == "-" {
		o["i"] = append(o["i"], "")
		args = args[1:]
	}
	env := e.Environ
	if o.Has("i") {
		env = nil
	}
	unset := map[string]bool{}
	for _, u := range o.All("u") {
		unset[u] = true
	}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !unset[k] {
			out = append(out, kv)
		}
	}
	for len(args) > 0 && strings.Contains(args[0], "=") {
		k, _, _ := strings.Cut(args[0], "=")
		out = setVar(out, k, args[0])
		args = args[1:]
	}
	if len(args) > 0 {
		e.Errorf("can't execute '%s': running commands needs the sandbox shell", args[0])
		return 126
	}
	term := "\n"
	if o.Has("0") {
		term = "\x00"
	}
	for _, kv := range out {
		fmt.Fprint(e.Stdout, kv+term)
	}
	return 0
}

func setVar(env []string, k, kv string) []string {
	for i, old := range env {
		if strings.HasPrefix(old, k+"=") {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// Printenv prints the whole environment or the values of NAMEs:
// printenv [NAME]... It exits 1 when a NAME is not set.
func Printenv(e *applet.Env) int {
	args := e.Args[1:]
	if len(args) == 0 {
		for _, kv := range e.Environ {
			fmt.Fprintln(e.Stdout, kv)
		}
		return 0
	}
	status := 0
	for _, k := range args {
		v, ok := e.LookupEnv(k)
		if !ok {
			status = 1
			continue
		}
		fmt.Fprintln(e.Stdout, v)
	}
	return status
}

// Hostname prints the container's host name: hostname [-sfd]. The runtime
// writes it to /etc/hostname; setting it is not allowed in a container.
func Hostname(e *applet.Env) int {
	o, args, err := e.Getopt("sfdiF:", "short=s", "fqdn=f", "domain=d")
	if err != nil {
		return 1
	}
	if len(args) > 0 || o.Has("F") {
		return e.Fail("sethostname: Operation not permitted")
	}
	name := ""
	if b, err := os.ReadFile("/etc/hostname"); err == nil {
		name, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
	}
	if name == "" {
		name = e.Getenv("HOSTNAME")
	}
	if name == "" {
		return e.Fail("can't determine the host name: /etc/hostname is empty")
	}
	short, domain, _ := strings.Cut(name, ".")
	switch {
	case o.Has("s"):
		name = short
	case o.Has("d"):
		name = domain
	}
	fmt.Fprintln(e.Stdout, name)
	return 0
}
