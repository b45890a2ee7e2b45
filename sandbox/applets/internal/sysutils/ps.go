package sysutils

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Ps lists the container's processes from the /proc the sandbox runtime
// exposes (/proc/PID/cmdline and /proc/PID/status): ps [-o FIELDS] [-ef]
//
// Without a /proc it prints only the header: the applet has no other view
// of processes, and it does not invent any.
func Ps(e *applet.Env) int {
	o, _, err := e.Getopt("o:efwAaT", "format=o:")
	if err != nil {
		return 1
	}
	cols := []string{"pid", "user", "args"}
	if spec := o.Get("o", ""); spec != "" {
		cols = strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' })
	}
	headers := map[string]string{"pid": "PID  ", "ppid": " PPID", "user": "USER    ", "args": "COMMAND", "comm": "COMMAND", "uid": "  UID"}
	var head []string
	for _, c := range cols {
		h, ok := headers[c]
		if !ok {
			return e.Fail("bad -o argument '%s'", c)
		}
		head = append(head, h)
	}
	fmt.Fprintln(e.Stdout, strings.TrimRight(strings.Join(head, " "), " "))
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var pids []int
	for _, de := range ents {
		if n, err := strconv.Atoi(de.Name()); err == nil {
			pids = append(pids, n)
		}
	}
	slices.Sort(pids)
	ids := applet.LoadIDNames()
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid)
		cmd, _ := os.ReadFile(dir + "/cmdline")
		args := strings.TrimRight(strings.ReplaceAll(string(cmd), "\x00", " "), " ")
		status, _ := os.ReadFile(dir + "/status")
		uid, ppid := statusField(string(status), "Uid"), statusField(string(status), "PPid")
		var row []string
		for _, c := range cols {
			switch c {
			case "pid":
				row = append(row, fmt.Sprintf("%5d", pid))
			case "ppid":
				row = append(row, fmt.Sprintf("%5d", ppid))
			case "uid":
				row = append(row, fmt.Sprintf("%5d", uid))
			case "user":
				row = append(row, fmt.Sprintf("%-8.8s", ids.User(uid)))
			case "args":
				row = append(row, args)
			case "comm":
				name, _, _ := strings.Cut(args, " ")
				row = append(row, name[strings.LastIndexByte(name, '/')+1:])
			}
		}
		fmt.Fprintln(e.Stdout, strings.TrimRight(strings.Join(row, " "), " "))
	}
	return 0
}

// statusField returns the first number of a "Key:\tN ..." line of /proc/PID/status.
func statusField(status, key string) int {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}
