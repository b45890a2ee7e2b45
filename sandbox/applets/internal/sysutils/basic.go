// Package sysutils implements the toolbox applets about the process and the
// system: true, false, sleep, env, printenv, id, whoami, hostname, uname,
// date, kill, ps and nproc, with busybox's output formats.
package sysutils

import (
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// True exits 0.
func True(*applet.Env) int { return 0 }

// False exits 1.
func False(*applet.Env) int { return 1 }

// Sleep pauses for the sum of its operands: seconds, with an optional
// fraction and an s, m, h or d suffix, as busybox's FANCY_SLEEP.
func Sleep(e *applet.Env) int {
	args := e.Args[1:]
	if len(args) == 0 {
		return e.ShowUsage()
	}
	var total time.Duration
	for _, a := range args {
		d, ok := parseDuration(a)
		if !ok {
			return e.Fail("invalid number '%s'", a)
		}
		total += d
	}
	e.Flush()
	time.Sleep(total)
	return 0
}

// parseDuration parses "1", "0.5", "2m", "1.5h" or "1d".
func parseDuration(s string) (time.Duration, bool) {
	unit := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, unit = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, unit = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, unit = s[:len(s)-1], 24*time.Hour
	}
	if s == "" || strings.ContainsAny(s, "eEnNxX+-") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return time.Duration(f * float64(unit)), true
}
