package sandbox

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func TestApplyMode(t *testing.T) {
	tests := []struct {
		spec  string
		in    fs.FileMode
		dir   bool
		want  fs.FileMode
		isErr bool
	}{
		{spec: "755", in: 0o600, want: 0o755},
		{spec: "+x", in: 0o644, want: 0o755},
		{spec: "u+x", in: 0o644, want: 0o744},
		{spec: "go-w", in: 0o666, want: 0o644},
		{spec: "a=r", in: 0o777, want: 0o444},
		{spec: "u=rwx,g=rx,o=", in: 0, want: 0o750},
		{spec: "a+X", in: 0o600, dir: true, want: 0o711},
		{spec: "a+X", in: 0o600, want: 0o600},
		{spec: "u+s", in: 0o755, want: 0o755 | fs.ModeSetuid},
		{spec: "1777", in: 0o755, want: 0o777 | fs.ModeSticky},
		{spec: "u+q", isErr: true},
		{spec: "99999", isErr: true},
		{spec: "u", isErr: true},
	}
	for _, tc := range tests {
		got, err := applyMode(tc.spec, tc.in, tc.dir)
		if (err != nil) != tc.isErr || !tc.isErr && got != tc.want {
			t.Errorf("applyMode(%q, %v) = %v, %v; want %v", tc.spec, tc.in, got, err, tc.want)
		}
	}
}

func FuzzApplyMode(f *testing.F) {
	for _, s := range []string{"755", "+x", "u=rwx,g=rx,o=", "a+X", "ugo-rwxst", "=", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := applyMode(spec, 0o644, false)
		if err == nil && m&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
			t.Fatalf("applyMode(%q) set type bits: %v", spec, m)
		}
	})
}

func TestChmodChown(t *testing.T) {
	c, root := testContainer(t)
	got := run(t, c, "printf '#!/bin/sh\\necho ran\\n' > /tmp/s; /tmp/s; chmod +x /tmp/s && /tmp/s; mkdir -p /tmp/d/e; chmod -R go-rwx /tmp/d; chmod 644 /nope")
	want := result{stdout: "ran\n", stderr: "sh: /tmp/s: Permission denied\nchmod: /nope: No such file or directory\n", code: 1}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if fi, err := os.Stat(filepath.Join(root, "tmp/d/e")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("chmod -R: %v %v", fi.Mode(), err)
	}
	uid := os.Getuid()
	got = run(t, c, "chown nobody:nobody /tmp/s")
	if uid == 0 && got.code != 0 || uid != 0 && got.stderr != "chown: /tmp/s: Operation not permitted\n" {
		t.Errorf("chown as uid %d: %+v", uid, got)
	}
	if got := run(t, c, "chown nosuch /tmp/s"); got.code != 1 || got.stderr != "chown: unknown user nosuch\n" {
		t.Errorf("chown unknown user: %+v", got)
	}
}

func TestAccess(t *testing.T) {
	c, _ := testContainer(t)
	got := runArgs(t, c, ProcessConfig{Args: []string{"sh", "-c", "[ -r /etc/passwd ] && ! [ -w /etc/passwd ] && [ -x /bin/sh ] && cd /tmp && echo ok"}, User: "nobody"})
	if got != (result{stdout: "ok\n"}) {
		t.Errorf("as nobody: %+v", got)
	}
}

func TestSplitFlags(t *testing.T) {
	tests := []struct {
		args     []string
		flags    string
		operands []string
	}{
		{[]string{"-R", "755", "/d"}, "R", []string{"755", "/d"}},
		{[]string{"0:0", "-R", "/builds"}, "R", []string{"0:0", "/builds"}}, // gitlab-ci-local's order
		{[]string{"777", "-R", "/tmp/"}, "R", []string{"777", "/tmp/"}},
		{[]string{"-R", "-x", "/d"}, "R", []string{"-x", "/d"}},
		{[]string{"-f", "--", "-R", "/d"}, "f", []string{"-R", "/d"}},
		{[]string{"644", "-"}, "", []string{"644", "-"}},
	}
	for _, tc := range tests {
		flags, operands := splitFlags(tc.args)
		if flags != tc.flags || !slices.Equal(operands, tc.operands) {
			t.Errorf("splitFlags(%q) = %q, %q; want %q, %q", tc.args, flags, operands, tc.flags, tc.operands)
		}
	}
}

// TestSpecialFileTypes checks that the applets see the type of a socket
// and a fifo (WASI reports them as regular files; the runtime's stat
// gives the real type), as a bind-mounted docker.sock is.
func TestSpecialFileTypes(t *testing.T) {
	c, root := testContainer(t)
	l, err := net.Listen("unix", filepath.Join(root, "tmp", "d.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := syscall.Mkfifo(filepath.Join(root, "tmp", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := run(t, c, "ls -l /tmp/d.sock /tmp/fifo | cut -c1; ls -F /tmp/d.sock /tmp/fifo; stat -c %F /tmp/d.sock")
	if want := "s\np\n/tmp/d.sock=\n/tmp/fifo|\nsocket\n"; got.stdout != want {
		t.Errorf("got %+v, want stdout %q", got, want)
	}
}
