package system

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// host describes the machine the containers run on.
type host struct {
	kernel, os, arch, name string
	ncpu                   int
	mem                    int64
}

// readHost reads the host's facts from /proc and /etc/os-release.
func readHost() host {
	h := host{kernel: "unknown", os: runtime.GOOS, arch: arch(runtime.GOARCH), ncpu: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.kernel = strings.TrimSpace(string(b))
	}
	if f, err := os.Open("/etc/os-release"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if v, ok := strings.CutPrefix(s.Text(), "PRETTY_NAME="); ok {
				h.os = strings.Trim(v, `"`)
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if v, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				h.mem = kb * 1024
			}
		}
		f.Close()
	}
	h.name, _ = os.Hostname()
	return h
}

// arch names GOARCH as uname -m does, as dockerd reports Architecture.
func arch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i686"
	}
	return goarch
}

// openFDs counts the process's open file descriptors, as dockerd's NFd.
func openFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(entries)
}
