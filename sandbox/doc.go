// Package sandbox runs containers without Docker, in-process: a POSIX shell
// interpreted in Go (mvdan.cc/sh/v3/interp) whose external commands are the
// toolbox's applets, one WebAssembly (wasip1) module run by wazero.
//
// A [Runtime] compiles the toolbox once (cached on disk). A [Container] is a
// root directory plus mounts ([rootfs.FS]); every file the shell or an applet
// touches is resolved inside it, so no path, ".." or symlink reaches the host
// outside the root and its mounts. A [Process] is one command tree started
// with [Container.Start]: it can be signalled, waited for, and listed.
//
// # Notes
//
//   - WASI cannot fork, so the commands that run other commands (xargs,
//     timeout, env CMD, nohup, nice, which, command -v, kill) are built into
//     the host side; see builtins.go.
//   - Native programs found in an image (ELF files that are not named after
//     an applet) cannot run: they fail with exit status 126 and a message
//     naming the sandbox and the file.
//   - Shell traps fire on EXIT and ERR only; signal traps are accepted but a
//     signal ends the process tree (exit status 128+n).
package sandbox
