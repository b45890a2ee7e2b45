//go:build !linux

package main

import "syscall"

// sysProcAttr puts a daemon in its own process group, so that the
// terminal's Ctrl-C reaches only sockerless, which stops the daemons in order.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
