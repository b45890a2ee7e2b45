package applet

import (
	"bytes"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var fnmatchTests = []struct {
	pat, name string
	pathname  bool
	want      bool
}{
	{"*.txt", "a.txt", true, true},
	{"*.txt", "d/a.txt", true, false},
	{"*.txt", "d/a.txt", false, true},
	{"a?c", "abc", true, true},
	{"[!a]bc", "xbc", true, true},
	{"[!a]bc", "abc", true, false},
	{"[a-c]*", "beta", true, true},
	{"[[:digit:]]x", "5x", true, true},
	{`\*`, "*", true, true},
	{"[", "[", true, true},
	{"*sub*", "./src/sub/x", false, true},
	{"", "", true, true},
	{"a*", "", true, false},
}

func TestFnmatch(t *testing.T) {
	for _, tc := range fnmatchTests {
		if got := Fnmatch(tc.pat, tc.name, tc.pathname); got != tc.want {
			t.Errorf("Fnmatch(%q, %q, %v) = %v, want %v", tc.pat, tc.name, tc.pathname, got, tc.want)
		}
	}
}

func FuzzFnmatch(f *testing.F) {
	for _, tc := range fnmatchTests {
		f.Add(tc.pat, tc.name)
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		got := Fnmatch(pat, name, true)
		// Where Go's path.Match agrees on the syntax (no '!' negation, no
		// classes, no backslashes) and on characters (ASCII: fnmatch in the C
		// locale matches bytes, path.Match runes), the answers must agree.
		if strings.ContainsAny(pat, `!^\[]`) || !ascii(pat+name) {
			return
		}
		if want, err := path.Match(pat, name); err == nil && want != got {
			t.Fatalf("Fnmatch(%q, %q) = %v, path.Match says %v", pat, name, got, want)
		}
	})
}

func TestGetopt(t *testing.T) {
	tests := []struct {
		args     []string
		short    string
		long     []string
		want     Opts
		operands []string
		wantErr  bool
	}{
		{[]string{"x", "-rf", "a", "-n5", "b"}, "rfn:", nil, Opts{"r": {""}, "f": {""}, "n": {"5"}}, []string{"a", "b"}, false},
		{[]string{"x", "-n", "5", "--", "-r"}, "rn:", nil, Opts{"n": {"5"}}, []string{"-r"}, false},
		{[]string{"x", "--lines=3", "-"}, "n:", []string{"lines=n:"}, Opts{"n": {"3"}}, []string{"-"}, false},
		{[]string{"x", "--verbose"}, "", []string{"verbose"}, Opts{"verbose": {""}}, nil, false},
		{[]string{"x", "-z"}, "a", nil, nil, nil, true},
		{[]string{"x", "-n"}, "n:", nil, nil, nil, true},
		{[]string{"x", "--nope"}, "", nil, nil, nil, true},
		{[]string{"x", "-Iseconds", "-I"}, "I::", nil, Opts{"I": {"seconds", ""}}, nil, false},
	}
	for _, tc := range tests {
		var errb bytes.Buffer
		e := &Env{Args: tc.args, Stderr: &errb, Stdout: &bytes.Buffer{}}
		o, operands, err := e.Getopt(tc.short, tc.long...)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err = %v", tc.args, err)
			continue
		}
		if err != nil {
			if errb.Len() == 0 {
				t.Errorf("%q: no message for a usage error", tc.args)
			}
			continue
		}
		if d := cmp.Diff(tc.want, o); d != "" {
			t.Errorf("%q opts (-want +got):\n%s", tc.args, d)
		}
		if d := cmp.Diff(tc.operands, operands); d != "" {
			t.Errorf("%q operands (-want +got):\n%s", tc.args, d)
		}
	}
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
