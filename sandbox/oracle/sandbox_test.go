package oracle

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sockerless/sockerless/sandbox"
)

// sandboxCases check what busybox cannot be compared on (the container's
// identity, processes, host name) against expected patterns.
var sandboxCases = []struct {
	name, script string
	stdout       string // a regexp the whole stdout must match
	code         int
}{
	{"hostname", `hostname`, `^oracle\n$`, 0},
	{"uname-n", `uname -n`, `^oracle\n$`, 0},
	{"uname-a", `uname -a`, `^Linux oracle \S+ .+ \S+ GNU/Linux\n$`, 0},
	{"id", `id`, `^uid=0\(root\) gid=0\(root\)( groups=.*)?\n$`, 0},
	{"whoami", `whoami`, `^root\n$`, 0},
	{"ps-self", `ps`, `(?s)^PID\s+USER\s+COMMAND\n.*\d+ root\s+.*ps\n`, 0},
	{"ps-o", `ps -o pid,comm`, `(?s)^PID\s+COMMAND\n.*ps\n`, 0},
	{"env-no-plumbing", `env | grep -c SOCKERLESS_`, `^0\n$`, 1},
	{"nproc", `nproc`, `^[1-9][0-9]*\n$`, 0},
	{"tail-f-timeout", `echo a > f; timeout 1 tail -f f; echo "rc=$?"`, `^a\nrc=(124|143)\n$`, 0},
	{"ls-l-shape", `ls -l a.txt`, `^-[rwx-]{9}\s+1 root\s+root\s+30 \w{3} [ \d]\d \d\d:\d\d a\.txt\n$`, 0},
	{"stat-default", `stat a.txt`, `(?s)^  File: a\.txt\n  Size: 30\s+Blocks: \d+\s+IO Block: 4096\s+regular file\n`, 0},
	{"df-honest", `df /`, `^Filesystem.*\n$`, 1},
	{"date-now", `date +%Y`, `^20\d\d\n$`, 0},
	{"awk-system", `awk 'BEGIN { system("true") }'`, `^$`, 1},
	{"applet-help", `sed --help | head -1`, `^Usage: sed `, 0},
	{"tz", `TZ=Europe/Paris date -d @0 '+%H:%M %Z'`, `^01:00 CET\n$`, 0},
	{"tz-utc", `date -d @0 '+%H:%M %Z'`, `^00:00 UTC\n$`, 0},
	{"mktemp-in-tmp", `mktemp | grep -c '^/tmp/tmp\.'`, `^1\n$`, 0},
}

func TestSandboxOnly(t *testing.T) {
	rt, err := sandbox.New(t.Context(), sandbox.Options{CacheDir: filepath.Join(os.TempDir(), "sockerless-oracle-cache")})
	if err != nil {
		t.Fatal(err)
	}
	// Cleanup, not defer: the parallel subtests run after this function returns.
	t.Cleanup(func() { rt.Close(context.Background()) })
	root := sharedRoot(t)
	// The image's zone database, as tzdata installs it.
	if b, err := os.ReadFile("/usr/share/zoneinfo/Europe/Paris"); err == nil {
		zone := filepath.Join(root, "usr/share/zoneinfo/Europe/Paris")
		if err := os.MkdirAll(filepath.Dir(zone), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(zone, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range sandboxCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := runSandbox(t.Context(), t, rt, root, tc.script)
			if !regexp.MustCompile(tc.stdout).MatchString(got.stdout) || got.code != tc.code {
				t.Errorf("script: %s\ngot %v\nwant stdout =~ %q, exit %d", tc.script, got, tc.stdout, tc.code)
			}
		})
	}
}
