package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaModes checks that applets see and set real permission bits and
// owners through the runtime's /proc/sockerless files.
func TestMetaModes(t *testing.T) {
	c, root := testContainer(t)
	tests := []struct {
		script, want string
	}{
		{"umask 022; echo hi > /tmp/f; stat -c %a /tmp/f", "644"},
		{"chmod 750 /tmp/f; stat -c %a /tmp/f; ls -l /tmp/f | cut -c1-10", "750\n-rwxr-x---"},
		{"mkdir -m 700 /tmp/d; stat -c %a /tmp/d", "700"},
		{"cp -p /tmp/f /tmp/g; stat -c %a /tmp/g", "750"},
		{"cd /tmp && tar cf /tmp/a.tar f && mkdir x && cd x && tar xf /tmp/a.tar && stat -c %a f", "750"},
		{"install -m 4755 /tmp/f /tmp/suid; stat -c %a /tmp/suid", "4755"},
		{"chown 1:1 /tmp/g; stat -c '%u %g' /tmp/g", "1 1"},
		{"find /tmp -maxdepth 1 -perm 750 -type f | sort", "/tmp/f\n/tmp/g"},
		{"ln -s f /tmp/l; stat -L -c %a /tmp/l", "750"},
		// The root itself (KIND.root).
		{"chmod 751 /; stat -c %a /; stat -c %a /.; ls -ld / | cut -c1-10", "751\n751\ndrwxr-x--x"},
		// The protocol resolves inside the container like any path.
		{"cat /proc/sockerless/stat/../../../../etc/shadow 2>&1 >/dev/null | grep -c 'No such file'", "1"},
		{"echo 777 > /proc/sockerless/chmod/nonexistent 2>/dev/null; echo $?", "1"},
		{"echo bad > /proc/sockerless/chmod/tmp/f 2>/dev/null; stat -c %a /tmp/f", "750"},
		{"echo 1 > /proc/sockerless/stat/tmp/f 2>/dev/null || echo refused", "refused"},
	}
	for _, tc := range tests {
		r := run(t, c, tc.script)
		if got := strings.TrimSpace(r.stdout); got != tc.want {
			t.Errorf("%s:\n got %q (stderr %q, exit %d)\nwant %q", tc.script, got, r.stderr, r.code, tc.want)
		}
	}
	if fi, err := os.Stat(filepath.Join(root, "tmp", "f")); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("host mode of /tmp/f = %v, %v; want 0750", fi.Mode(), err)
	}
}

// TestShellPrintfFloat checks the shell's printf with float conversions
// and busybox --list.
func TestShellPrintfFloat(t *testing.T) {
	c, _ := testContainer(t)
	tests := []struct{ script, want string }{
		{`printf "%.2f\n" 3.14159`, "3.14"},
		{`printf "%5.1f|%s\n" 2.25 x`, "  2.2|x"},
		{`printf "%d%%\n" 5`, "5%"},
		{`busybox --list | grep -cx -e sh -e printf -e xargs`, "3"},
	}
	for _, tc := range tests {
		r := run(t, c, tc.script)
		if got := strings.TrimSpace(r.stdout); got != strings.TrimSpace(tc.want) {
			t.Errorf("%s: got %q (stderr %q, exit %d), want %q", tc.script, got, r.stderr, r.code, tc.want)
		}
	}
}
