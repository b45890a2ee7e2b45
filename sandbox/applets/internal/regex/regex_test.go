package regex

import (
	"errors"
	"testing"
)

var matchTests = []struct {
	pat      string
	extended bool
	in       string
	want     string // the leftmost-longest match, "-" for none
}{
	{`a\(b\)*c`, false, "xabbc", "abbc"},
	{`a(b)*c`, false, "a(b)*c", "-"},
	{`a(b)*c`, false, "a(b)c", "a(b)c"},
	{`a(b)*c`, true, "abbc", "abbc"},
	{`*a`, false, "x*a", "*a"},
	{`^ab`, false, "abc", "ab"},
	{`a^b`, false, "a^b", "a^b"},
	{`a$b`, false, "a$b", "a$b"},
	{`x\{2\}`, false, "xxx", "xx"},
	{`x{2}`, false, "x{2}", "x{2}"},
	{`x{2,}`, true, "xxxx", "xxxx"},
	{`x{,2}y`, true, "xxy", "xxy"},
	{`a|b`, false, "a|b", "a|b"},
	{`a\|b`, false, "b", "b"},
	{`[]a]`, false, "]", "]"},
	{`[^]a]`, false, "]ab", "b"},
	{`[a\]`, false, `\`, `\`},
	{`[[:digit:]]+`, true, "ab123", "123"},
	{`\<foo\>`, false, "a foo b", "foo"},
	{`a+`, false, "aa+", "a+"},
	{`a\+`, false, "aaa", "aaa"},
	{`(a|ab)(c|bcd)`, true, "abcd", "abcd"},
	{`.`, false, "", "-"},
	{`[a-c]`, false, "b", "b"},
	{`a{1`, true, "a{1", "a{1"},
}

func TestCompile(t *testing.T) {
	for _, tc := range matchTests {
		re, err := Compile(tc.pat, tc.extended, false)
		if err != nil {
			t.Errorf("Compile(%q, %v): %v", tc.pat, tc.extended, err)
			continue
		}
		got := re.FindString(tc.in)
		if !re.MatchString(tc.in) {
			got = "-"
		}
		if got != tc.want {
			t.Errorf("%q (ere=%v) on %q = %q, want %q (go: %s)", tc.pat, tc.extended, tc.in, got, tc.want, re)
		}
	}
}

func TestBackref(t *testing.T) {
	if _, err := Compile(`\(a\)\1`, false, false); !errors.Is(err, ErrBackref) {
		t.Fatalf("got %v, want ErrBackref", err)
	}
}

func FuzzTranslate(f *testing.F) {
	for _, tc := range matchTests {
		f.Add(tc.pat, tc.extended)
	}
	f.Fuzz(func(t *testing.T, pat string, extended bool) {
		// Must never panic; an error is fine.
		Compile(pat, extended, true)
	})
}
