package fileutils

import (
	"io"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// More pages files; standard output is never a terminal under WASI, and
// then busybox's more and less copy their input like cat: more|less [FILE]...
func More(e *applet.Env) int {
	_, files, err := e.Getopt("EFIMmNSRXhs~")
	if err != nil {
		return 1
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		f, err := e.Open(name)
		if err != nil {
			e.Perror(err, "can't open '%s'", name)
			status = 1
			continue
		}
		if _, err := io.Copy(e.Stdout, f); err != nil {
			status = 1
		}
		f.Close()
	}
	return status
}
