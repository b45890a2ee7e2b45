package main

import "syscall"

// sysProcAttr puts a daemon in its own process group, so that the
// terminal's Ctrl-C reaches only sockerless, which stops the daemons in
// order, and has the kernel send it SIGTERM if sockerless dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
