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
// Commands are resolved as a shell does (lookup.go): host builtins, then
// $PATH in the container, then the toolbox. A file runs by its name when the
// toolbox has an applet of that name (so /bin/ls, a link to a native
// busybox, runs applet ls; "busybox ARGS" runs the applet ARGS[0]), by its
// "#!" line, or as a shell script.
//
// # Notes
//
//   - WASI cannot fork, so the commands that run or look up other commands
//     (xargs, timeout, env CMD, nice, nohup, which, command -v, type, kill,
//     find -exec) and those that change modes and owners (chmod, chown,
//     chgrp) run on the host side; see builtins.go.
//   - Native programs found in an image (ELF files that are not named after
//     an applet) cannot run: they fail with exit status 126 and a message
//     naming the sandbox and the file.
//   - A signal ends a process tree with exit status 128+n, except a shell's
//     trapped signals (traps.go). An applet notices a signal at its next
//     host call (clock, sleep, read, write, open): one computing without any
//     cannot be stopped.
//   - /dev/null, /dev/zero, /dev/urandom, /dev/std* and /proc/PID/{cmdline,
//     status} are virtual; mounts are seen at their targets.
package sandbox
