package sandbox

import "testing"

// TestRedirectErrors: failed redirections read as busybox ash's.
func TestRedirectErrors(t *testing.T) {
	c, _ := testContainer(t)
	tests := []struct{ script, stderr string }{
		{"echo x > /nodir/f", "sh: can't create /nodir/f: nonexistent directory\n"},
		{"cat < /nonexist", "sh: can't open /nonexist: no such file\n"},
		{"echo x > /tmp", "sh: can't create /tmp: Is a directory\n"},
		{". /nonexist", "sh: .: can't open '/nonexist': No such file or directory\n"},
		{"echo x >> /etc/passwd/x", "sh: can't create /etc/passwd/x: nonexistent directory\n"},
	}
	for _, tc := range tests {
		r := run(t, c, tc.script)
		if r.stderr != tc.stderr || r.code == 0 {
			t.Errorf("%s: stderr %q, exit %d; want %q", tc.script, r.stderr, r.code, tc.stderr)
		}
	}
}
