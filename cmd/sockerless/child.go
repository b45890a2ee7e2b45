package main

import (
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// child is a daemon started by up.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the result of Wait, set before done is closed
}

// startChild starts bin with args and env. Its output goes to stderr: the
// daemons log there, and up's stdout carries only DOCKER_HOST.
func startChild(name, bin string, args, env []string, stderr io.Writer) (*child, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// exited reports whether the process has ended.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// unexpected is the error for a daemon that ended on its own.
func (c *child) unexpected() error {
	<-c.done
	if c.err != nil {
		return fmt.Errorf("%s (%s) exited unexpectedly: %w", c.name, c.cmd.Path, c.err)
	}
	return fmt.Errorf("%s (%s) exited unexpectedly", c.name, c.cmd.Path)
}

// stop sends SIGTERM, waits up to grace, then kills. It returns once the
// process is gone.
func (c *child) stop(grace time.Duration) {
	if c.exited() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
