package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// installName is the agent's file name in the directory install copies
// it to.
const installName = "sockerless-agent"

// install copies the running executable into dir as sockerless-agent
// (mode 0755), written to a temporary name and renamed so that a reader
// never sees half a binary. It is the command of the agent's init
// container on ECS: the container shares dir (a task volume) with the
// workload's container, which starts once install has exited 0 (dependsOn
// SUCCESS) and runs dir/sockerless-agent as its entrypoint.
func install(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "" {
		fmt.Fprintln(stderr, "sockerless-agent: usage: sockerless-agent install DIR")
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "sockerless-agent: install:", err)
		return 1
	}
	dst := filepath.Join(args[0], installName)
	if err := copyExecutable(self, dst); err != nil {
		fmt.Fprintln(stderr, "sockerless-agent: install:", err)
		return 1
	}
	fmt.Fprintln(stdout, "installed", dst)
	return 0
}

func copyExecutable(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+installName+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
