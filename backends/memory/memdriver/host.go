package memdriver

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// systemCPUNanos is the host's total CPU time (all CPUs, all states), as
// Docker's system_cpu_usage, from /proc/stat; elsewhere wall time × CPUs.
func systemCPUNanos() uint64 {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return uint64(time.Now().UnixNano()) * uint64(runtime.NumCPU())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 2 || fields[0] != "cpu" {
		return 0
	}
	var ticks uint64
	for _, f := range fields[1:] {
		n, _ := strconv.ParseUint(f, 10, 64)
		ticks += n
	}
	const clockTicks = 100 // USER_HZ
	return ticks * (uint64(time.Second) / clockTicks)
}

// onlineCPUs is the number of host CPUs.
func onlineCPUs() uint32 { return uint32(runtime.NumCPU()) }

// memoryLimit is the host's memory (the sandbox sets no limit), from
// /proc/meminfo; 0 when unknown.
func memoryLimit() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
