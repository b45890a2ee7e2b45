package sysutils

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Uname prints system information: uname [-amnrspvio]
//
// The sandbox has no kernel of its own: the runtime passes what it wants
// reported in SOCKERLESS_UNAME_R (release), SOCKERLESS_UNAME_V (version) and
// SOCKERLESS_UNAME_M (machine). Without them release and version say
// "sockerless" and the machine is "wasm32", which is what the applets really
// run on.
func Uname(e *applet.Env) int {
	o, _, err := e.Getopt("asnrvmpio", "all=a", "kernel-name=s", "nodename=n", "kernel-release=r",
		"kernel-version=v", "machine=m", "processor=p", "hardware-platform=i", "operating-system=o")
	if err != nil {
		return 1
	}
	node := ""
	if b, err := os.ReadFile("/etc/hostname"); err == nil {
		node = strings.TrimSpace(string(b))
	}
	if node == "" {
		node = e.Getenv("HOSTNAME")
	}
	get := func(k, def string) string {
		if v := e.SysGetenv(k); v != "" {
			return v
		}
		return def
	}
	machine := get("SOCKERLESS_UNAME_M", "wasm32")
	fields := []struct {
		flag, val string
	}{
		{"s", "Linux"}, {"n", node}, {"r", get("SOCKERLESS_UNAME_R", "sockerless")},
		{"v", get("SOCKERLESS_UNAME_V", "sockerless")}, {"m", machine}, {"p", machine},
		{"i", machine}, {"o", "GNU/Linux"},
	}
	var out []string
	any := false
	for _, f := range fields {
		if o.Has(f.flag) {
			any = true
		}
	}
	for _, f := range fields {
		// -a omits -p and -i when they are unknown; busybox prints them only when asked.
		if o.Has(f.flag) || (o.Has("a") && f.flag != "p" && f.flag != "i") || (!any && !o.Has("a") && f.flag == "s") {
			out = append(out, f.val)
		}
	}
	fmt.Fprintln(e.Stdout, strings.Join(out, " "))
	return 0
}

// Nproc prints the number of processors: nproc. The runtime passes the
// number it grants in SOCKERLESS_NPROC; WASI itself reports one.
func Nproc(e *applet.Env) int {
	if _, _, err := e.Getopt("", "all", "ignore:"); err != nil {
		return 1
	}
	if n, err := strconv.Atoi(e.SysGetenv("SOCKERLESS_NPROC")); err == nil && n > 0 {
		fmt.Fprintln(e.Stdout, n)
		return 0
	}
	fmt.Fprintln(e.Stdout, runtime.NumCPU())
	return 0
}
