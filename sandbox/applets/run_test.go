package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// files is the fixture every applet test starts with.
var files = map[string]string{
	"a.txt":     "apple\nbanana\ncherry\napple pie\n",
	"nums.txt":  "10\n2\n33\n-5\n",
	"dup.txt":   "b\na\nb\nc\na\n",
	"d/x.txt":   "x\n",
	"d/y.go":    "package y\n",
	"data.csv":  "n,a\nbob,25\nal,30\n",
	"nonl.txt":  "end",
	"table.txt": "b 2\na 10\nc 1\n",
}

var appletTests = []struct {
	args  string // split on spaces; "\x00" stands for an empty argument
	stdin string
	want  string
	code  int
}{
	{"echo -n a b", "", "a b", 0},
	{"echo -e a\\tb", "", "a\tb\n", 0},
	{"printf %s-%d\\n x 5 y 6", "", "x-5\ny-6\n", 0},
	{"printf %05.1f|%x\\n 3.14159 255", "", "003.1|ff\n", 0},
	{"seq -s , 3", "", "1,2,3\n", 0},
	{"seq -w 9 11", "", "09\n10\n11\n", 0},
	{"cat -n nonl.txt", "", "     1\tend", 0},
	{"cat nope", "", "", 1},
	{"head -n 2 a.txt", "", "apple\nbanana\n", 0},
	{"head -n -3 a.txt", "", "apple\n", 0},
	{"tail -n +3 a.txt", "", "cherry\napple pie\n", 0},
	{"tail -c 3 nonl.txt", "", "end", 0},
	{"wc -l a.txt", "", "4 a.txt\n", 0},
	{"wc", "a b\nc\n", "        2         3         6\n", 0},
	{"sort -n nums.txt", "", "-5\n2\n10\n33\n", 0},
	{"sort -k2n table.txt", "", "c 1\nb 2\na 10\n", 0},
	{"sort -u dup.txt", "", "a\nb\nc\n", 0},
	{"sort -t, -k2 -rn data.csv", "", "al,30\nbob,25\nn,a\n", 0},
	{"uniq -c", "a\na\nb\n", "      2 a\n      1 b\n", 0},
	{"cut -d, -f2 data.csv", "", "a\n25\n30\n", 0},
	{"cut -c2-3", "hello\n", "el\n", 0},
	{"tr a-z A-Z", "hi\n", "HI\n", 0},
	{"tr -d [:digit:]", "a1b2\n", "ab\n", 0},
	{"grep -c apple a.txt", "", "2\n", 0},
	{"grep -n an a.txt", "", "2:banana\n", 0},
	{"grep -v -e apple -e cherry a.txt", "", "banana\n", 0},
	{"grep zzz a.txt", "", "", 1},
	{"grep -r x d", "", "d/x.txt:x\n", 0},
	{"grep -o p+ a.txt", "", "", 1},
	{"grep -E -o p+ a.txt", "", "pp\npp\np\n", 0},
	{"grep x nope", "", "", 2},
	{"find d -name *.go", "", "d/y.go\n", 0},
	{"find . -maxdepth 1 -type d", "", ".\n./d\n", 0},
	{"find d -type f -print0", "", "d/x.txt\x00d/y.go\x00", 0},
	{"ls d", "", "x.txt\ny.go\n", 0},
	{"ls -d d nope", "", "d\n", 1},
	{"basename /a/b.txt .txt", "", "b\n", 0},
	{"dirname /a/b", "", "/a\n", 0},
	{"test -f a.txt", "", "", 0},
	{"[ 1 -lt 2 ]", "", "", 0},
	{"[ 1 -lt", "", "", 2},
	{"expr 2 * 3", "", "6\n", 0},
	{"stat -c %s|%F a.txt", "", "30|regular file\n", 0},
	{"md5sum nonl.txt", "", "7f021a1415b86f2d013b2618fb31ae53  nonl.txt\n", 0},
	{"base64", "hi\n", "aGkK\n", 0},
	{"base64 -d", "aGkK\n", "hi\n", 0},
	{"sed -n 2p a.txt", "", "banana\n", 0},
	{"awk -F, NR>1{s+=$2}END{print(s)} data.csv", "", "55\n", 0},
	{"diff a.txt a.txt", "", "", 0},
	{"cmp a.txt nums.txt", "", "a.txt nums.txt differ: char 1, line 1\n", 1},
	{"nosuchapplet", "", "", 127},
	{"install -m 644 -D a.txt out/sub/a.txt", "", "", 0},
	{"install -d x/y", "", "", 0},
	{"install a.txt nope/", "", "", 1},
	{"more a.txt", "", "apple\nbanana\ncherry\napple pie\n", 0},
}

func TestApplets(t *testing.T) {
	for _, tc := range appletTests {
		t.Run(tc.args, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(body), 0o644)
			}
			args := strings.Split(tc.args, " ")
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "\x00", "")
			}
			var out, errb bytes.Buffer
			code := runIn(dir, args, tc.stdin, &out, &errb)
			if out.String() != tc.want || code != tc.code {
				t.Errorf("got %q (exit %d, stderr %q), want %q (exit %d)", out.String(), code, errb.String(), tc.want, tc.code)
			}
		})
	}
}

// runIn runs one applet on the host with relative paths resolved in dir.
func runIn(dir string, args []string, stdin string, stdout, stderr *bytes.Buffer) int {
	a, ok := table()[args[0]]
	if !ok {
		return run(args, nil, strings.NewReader(stdin), stdout, stderr)
	}
	return a.fn(&applet.Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr, Dir: dir,
		Environ: []string{"PATH=/bin", "HOME=/root"}})
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"/bin/echo", "x"}, "x\n", 0},
		{[]string{"busybox", "echo", "y"}, "y\n", 0},
		{[]string{"toolbox", "true"}, "", 0},
		{[]string{"toolbox.wasm", "false"}, "", 1},
		{[]string{"toolbox"}, "", 1},
		{[]string{"nope"}, "", 127},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := run(tc.args, nil, strings.NewReader(""), &out, &errb)
		if out.String() != tc.want || code != tc.code {
			t.Errorf("%v = %q, %d; want %q, %d", tc.args, out.String(), code, tc.want, tc.code)
		}
	}
}

func TestListAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"toolbox", "--list"}, nil, nil, &out, &errb); code != 0 {
		t.Fatalf("--list exited %d", code)
	}
	listed := strings.Fields(out.String())
	if !slices.IsSorted(listed) || len(listed) != len(table()) {
		t.Fatalf("--list = %v", listed)
	}
	for _, name := range listed {
		out.Reset()
		if code := run([]string{name, "--help"}, nil, nil, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "Usage: "+name) {
			t.Errorf("%s --help = %q, %d", name, out.String(), code)
		}
	}
}

func TestFindLoop(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.Symlink("..", filepath.Join(dir, "a/b/up"))
	var out, errb bytes.Buffer
	code := runIn(dir, []string{"find", "-L", "a"}, "", &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "loop") || out.String() != "a\na/b\na/b/up\n" {
		t.Fatalf("find -L on a loop = %q, %q, %d", out.String(), errb.String(), code)
	}
}
