package sed

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

var sedTests = []struct {
	args []string
	in   string
	want string
	code int
}{
	{[]string{"s/a/b/"}, "aaa\n", "baa\n", 0},
	{[]string{"s/a/b/g"}, "aaa\n", "bbb\n", 0},
	{[]string{"s/^a/b/g"}, "aaa\n", "baa\n", 0},
	{[]string{"s/a/b/2"}, "aaa\n", "aba\n", 0},
	{[]string{"s/a/b/2g"}, "aaaa\n", "abbb\n", 0},
	{[]string{"s/x*/-/g"}, "abc\n", "-a-b-c-\n", 0},
	{[]string{`s/\(a\)\(b\)/\2\1/`}, "ab\n", "ba\n", 0},
	{[]string{"-E", `s/(a)(b)/\2\1/`}, "ab\n", "ba\n", 0},
	{[]string{`s/\w\+/\U&/`}, "hello world\n", "HELLO world\n", 0},
	{[]string{"-n", "2p"}, "a\nb\nc\n", "b\n", 0},
	{[]string{"-n", "$p"}, "a\nb\nc\n", "c\n", 0},
	{[]string{"2,$d"}, "a\nb\nc\n", "a\n", 0},
	{[]string{"/b/,/c/d"}, "a\nb\nx\nc\nd\n", "a\nd\n", 0},
	{[]string{"0,/a/s//X/"}, "a\na\n", "X\na\n", 0},
	{[]string{"1~2d"}, "1\n2\n3\n4\n", "2\n4\n", 0},
	{[]string{"/a/,+1d"}, "a\nb\nc\n", "c\n", 0},
	{[]string{"$!N;P;D"}, "a\nb\n", "a\nb\n", 0},
	{[]string{"1a\\\nfoo"}, "a\nb\n", "a\nfoo\nb\n", 0},
	{[]string{"2i bar"}, "a\nb\n", "a\nbar\nb\n", 0},
	{[]string{"1,2c\\\nX"}, "a\nb\nc\n", "X\nc\n", 0},
	{[]string{"y/abc/xyz/"}, "aabbcc\n", "xxyyzz\n", 0},
	{[]string{"-n", "/b/{p;p}"}, "a\nb\n", "b\nb\n", 0},
	{[]string{":a;N;$!ba;s/\\n/,/g"}, "a\nb\nc\n", "a,b,c\n", 0},
	{[]string{"p"}, "a\nb", "a\na\nb\nb", 0},
	{[]string{"2q"}, "a\nb\nc\n", "a\nb\n", 0},
	{[]string{"2q5"}, "a\nb\nc\n", "a\nb\n", 5},
	{[]string{"=", "-n"}, "a\nb\n", "1\n2\n", 0},
	{[]string{"-n", "/a/!p"}, "a\nb\n", "b\n", 0},
	{[]string{"s|/usr|/opt|"}, "/usr/bin\n", "/opt/bin\n", 0},
	{[]string{"s/a/b"}, "a\n", "", 1},
	{[]string{"G"}, "a\n", "a\n\n", 0},
	{[]string{"-e", "h", "-e", "G"}, "a\n", "a\na\n", 0},
	{[]string{"s/a/\\n/"}, "xay\n", "x\ny\n", 0},
	{[]string{"s/[/]/X/"}, "a/b\n", "aXb\n", 0},
	{[]string{"-n", "l"}, "a\tb\n", "a\\tb$\n", 0},
	{[]string{"s/a/b/;ta;s/$/ no/;b;:a;s/$/ yes/"}, "a\nc\n", "b yes\nc no\n", 0},
}

func runSed(t *testing.T, args []string, in string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &applet.Env{Args: append([]string{"sed"}, args...), Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errb, Dir: t.TempDir()}
	code := Sed(e)
	return out.String(), errb.String(), code
}

func TestSed(t *testing.T) {
	for _, tc := range sedTests {
		got, stderr, code := runSed(t, tc.args, tc.in)
		if got != tc.want || code != tc.code {
			t.Errorf("sed %q on %q = %q (exit %d, %s), want %q (exit %d)", tc.args, tc.in, got, code, stderr, tc.want, tc.code)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range sedTests {
		for _, a := range tc.args {
			if !strings.HasPrefix(a, "-") {
				f.Add(a, "a\nb\nc\n")
			}
		}
	}
	f.Fuzz(func(t *testing.T, script, in string) {
		cmds, err := Parse(script, false)
		if err != nil {
			return
		}
		// Output is discarded: a looping "p" can print far more than memory.
		m, err := newMachine(cmds, bufioWriter(io.Discard), false)
		if err != nil {
			return
		}
		m.maxSteps = 10000
		m.open = func(string) (io.WriteCloser, error) { return nil, os.ErrPermission }
		m.read = func(string) ([]byte, error) { return nil, os.ErrNotExist }
		src := &source{onErr: func(string, error) {}, readers: []func() (io.Reader, string, error){
			func() (io.Reader, string, error) { return strings.NewReader(in), "-", nil },
		}}
		m.run(src) // must terminate without panicking
	})
}

func bufioWriter(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }
