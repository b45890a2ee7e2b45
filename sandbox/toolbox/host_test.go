package toolbox

import "testing"

func TestNeedsHost(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"ls", "-l"}, false},
		{[]string{"/usr/bin/xargs", "-n1"}, true},
		{[]string{"env"}, false},
		{[]string{"env", "-i", "A=1"}, false},
		{[]string{"env", "A=1", "sh", "-c", "echo $A"}, true},
		{[]string{"env", "-u", "HOME", "printenv"}, true},
		{[]string{"find", ".", "-name", "*.go"}, false},
		{[]string{"find", ".", "-exec", "rm", "{}", ";"}, true},
		{[]string{"chmod", "+x", "a"}, true},
		{[]string{"timeout", "5", "sleep", "1"}, true},
		{nil, false},
	}
	for _, tc := range tests {
		if got := NeedsHost(tc.args); got != tc.want {
			t.Errorf("NeedsHost(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestHostCommandsAreNotApplets(t *testing.T) {
	for _, h := range HostCommands() {
		if Has(h) {
			t.Errorf("%s is both a host command and an applet", h)
		}
	}
}
