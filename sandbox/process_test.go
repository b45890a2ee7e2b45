package sandbox

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSignal(t *testing.T) {
	tests := []struct {
		name string
		args []string
		sig  syscall.Signal
		want int
	}{
		{"sleep term", []string{"sleep", "30"}, syscall.SIGTERM, 143},
		{"sleep kill", []string{"sleep", "30"}, syscall.SIGKILL, 137},
		{"shell int", []string{"sh", "-c", "sleep 30; echo never"}, syscall.SIGINT, 130},
		{"cat stdin", []string{"cat"}, syscall.SIGTERM, 143},
		{"busy loop", []string{"sh", "-c", "while true; do true; done"}, syscall.SIGKILL, 137},
		{"pipeline", []string{"sh", "-c", "seq 1 100000000 | cat > /dev/null"}, syscall.SIGTERM, 143},
		{"busy applet", []string{"yes"}, syscall.SIGTERM, 143},
		{"busy applet to /dev/null", []string{"sh", "-c", "yes > /dev/null"}, syscall.SIGQUIT, 131},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testContainer(t)
			stdin := &blockingReader{ch: make(chan struct{})}
			defer close(stdin.ch)
			var out syncBuffer
			p, err := c.Start(t.Context(), ProcessConfig{Args: tc.args, Stdin: stdin, Stdout: &out, Stderr: &out})
			if err != nil {
				t.Fatal(err)
			}
			if p.PID() != 1 {
				t.Errorf("PID = %d, want 1", p.PID())
			}
			time.Sleep(50 * time.Millisecond)
			start := time.Now()
			if err := p.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-p.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("process did not end")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("ended %v after the signal", d)
			}
			if got := p.Wait(); got != tc.want {
				t.Errorf("exit = %d, want %d (output %q)", got, tc.want, out.String())
			}
			if strings.Contains(out.String(), "never") {
				t.Error("shell went on after the signal")
			}
		})
	}
}

// blockingReader blocks until ch is closed, as an idle stdin.
type blockingReader struct{ ch chan struct{} }

func (b *blockingReader) Read([]byte) (int, error) {
	<-b.ch
	return 0, errors.New("closed")
}

func TestSignalUnsupported(t *testing.T) {
	c, _ := testContainer(t)
	p, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sleep", "10"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGSTOP); !errdefs.IsNotImplemented(err) {
		t.Errorf("SIGSTOP: %v, want not implemented", err)
	}
	if err := p.Signal(0); err != nil {
		t.Errorf("signal 0: %v", err)
	}
	c.Close()
	if got := p.Wait(); got != 137 {
		t.Errorf("after Close exit = %d, want 137", got)
	}
}

func TestExecAndProcesses(t *testing.T) {
	c, _ := testContainer(t)
	main, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sh", "-c", "sleep 30"}, User: "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "sleep to start", func() bool { return len(c.Processes()) == 2 })
	ps := c.Processes()
	if ps[0].PID != 1 || ps[1].PPID != 1 || ps[1].Args[0] != "sleep" || ps[0].User != "nobody" {
		t.Errorf("processes = %+v", ps)
	}
	got := run(t, c, "echo $$ >/dev/null; kill -TERM 2; echo killed")
	if got.stdout != "killed\n" || got.code != 0 {
		t.Errorf("exec kill: %+v", got)
	}
	if code := main.Wait(); code != 143 {
		t.Errorf("main exit = %d, want 143 (sh waits for its killed child)", code)
	}
}

func TestUserAndTTY(t *testing.T) {
	c, _ := testContainer(t)
	var out bytes.Buffer
	p, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sh", "-c", "echo $HOME; echo err >&2"}, User: "nobody", TTY: true, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got, want := out.String(), "/\r\nerr\r\n"; got != want {
		t.Errorf("tty output %q, want %q", got, want)
	}
	if _, err := c.Start(t.Context(), ProcessConfig{Args: []string{"true"}, User: "nosuchuser"}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestStdinScript(t *testing.T) {
	c, _ := testContainer(t)
	got := runArgs(t, c, ProcessConfig{Args: []string{"sh"}, Stdin: strings.NewReader("echo one\nseq 2 3 | cat\nexit 4\necho never\n")})
	if want := (result{stdout: "one\n2\n3\n", code: 4}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestStdinScriptWithoutFinalNewline(t *testing.T) {
	c, _ := testContainer(t)
	for _, in := range []string{"echo one\necho two", "x=1; echo last", "echo only"} {
		got := runArgs(t, c, ProcessConfig{Args: []string{"sh"}, Stdin: strings.NewReader(in)})
		last := in[strings.LastIndex(in, "echo ")+5:] + "\n"
		if !strings.HasSuffix(got.stdout, last) {
			t.Errorf("sh < %q: got %+v, want stdout ending %q", in, got, last)
		}
	}
}

func TestBashLongOptions(t *testing.T) {
	c, root := testContainer(t)
	writeFile(t, root+"/bin/bash", "#!/bin/sh\n", 0o755) // an image's bash: the sandbox's shell runs it
	writeFile(t, root+"/tmp/step.sh", "arr=(a b)\necho \"${#arr[@]} ${arr[1]}\"\nfalse | true\necho after\n", 0o644)
	got := run(t, c, "bash --noprofile --norc -e -o pipefail /tmp/step.sh; echo \"status $?\"; bash --bogus -c true; echo \"status $?\"; sh --noprofile -c true; echo \"status $?\"")
	want := result{stdout: "2 b\nstatus 1\nstatus 2\nstatus 0\n", stderr: "bash: --bogus: invalid option\n"} // busybox ash ignores long options
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestNativeProgram(t *testing.T) {
	c, root := testContainer(t)
	writeFile(t, root+"/usr/local/bin/node", "\x7fELF\x02\x01\x01", 0o755)
	writeFile(t, root+"/usr/local/bin/hello", "#!/bin/sh\necho hello \"$@\"\n", 0o755)
	got := run(t, c, "node -v")
	if got.code != 126 || !strings.Contains(got.stderr, "/usr/local/bin/node") || !strings.Contains(got.stderr, "sockerless sandbox") {
		t.Errorf("native program: %+v", got)
	}
	if got := run(t, c, "hello world"); got != (result{stdout: "hello world\n"}) {
		t.Errorf("script in PATH: %+v", got)
	}
	got = runArgs(t, c, ProcessConfig{Args: []string{"node"}})
	if got.code != 126 || !strings.HasPrefix(got.stderr, "exec /usr/local/bin/node: native program cannot run in the sockerless sandbox") {
		t.Errorf("Start(node) = %+v", got)
	}
}

func TestPs(t *testing.T) {
	c, _ := testContainer(t)
	if _, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sleep", "30"}, User: "nobody"}); err != nil {
		t.Fatal(err)
	}
	got := run(t, c, "ps -o pid,ppid,user,args; cat /proc/1/cmdline | tr '\\0' ' '; echo; test -d /proc/self && cat /proc/self/cgroup")
	want := "PID    PPID USER     COMMAND\n    1     0 nobody   sleep 30\n    2     0 root     sh -c " // the exec's own shell, then ps
	if !strings.HasPrefix(got.stdout, want) || !strings.Contains(got.stdout, "ps -o pid,ppid,user,args\n") || !strings.HasSuffix(got.stdout, "sleep 30 \n0::/\n") {
		t.Errorf("ps: %+v", got)
	}
}

func TestInteractiveTTY(t *testing.T) {
	c, _ := testContainer(t)
	var out syncBuffer
	in, typing := io.Pipe()
	p, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sh"}, TTY: true, Dir: "/tmp", Stdin: in, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a prompt", func() bool { return out.String() == "/tmp # " })
	io.WriteString(typing, "echo hx\x7fi\r")
	waitFor(t, "a prompt", func() bool { return strings.HasSuffix(out.String(), "hi\r\n/tmp # ") })
	io.WriteString(typing, "sleep 10\r")
	waitFor(t, "sleep to run", func() bool { return len(c.Processes()) == 2 })
	io.WriteString(typing, "\x03")
	waitFor(t, "a prompt", func() bool { return strings.HasSuffix(out.String(), "^C\r\n/tmp # ") })
	io.WriteString(typing, "exit 3\r")
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatalf("shell did not exit: %q", out.String())
	}
	if code := p.Wait(); code != 3 {
		t.Errorf("exit %d", code)
	}
	if got, want := out.String(), "/tmp # echo hx\b \bi\r\nhi\r\n/tmp # sleep 10\r\n^C\r\n/tmp # exit 3\r\n"; got != want {
		t.Errorf("terminal shows %q", got)
	}
}

func TestTraps(t *testing.T) {
	tests := []struct {
		name, script string
		sig          syscall.Signal
		wantOut      string
		wantCode     int
	}{
		{"exit in trap", "trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.05; done", syscall.SIGTERM, "ready\ngot TERM\n", 0},
		{"trap and go on", "trap 'echo int' INT; echo ready; sleep 0.3; echo after", syscall.SIGINT, "ready\nint\nafter\n", 0},
		{"ignored", "trap '' TERM; echo ready; sleep 0.3; echo survived", syscall.SIGTERM, "ready\nsurvived\n", 0},
		{"reset", "trap 'echo no' TERM; trap - TERM; echo ready; sleep 5", syscall.SIGTERM, "ready\n", 143},
		{"kill is not trapped", "trap 'echo no' KILL 2>/dev/null; trap 'echo no' TERM; echo ready; sleep 5", syscall.SIGKILL, "ready\n", 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testContainer(t)
			var out syncBuffer
			p, err := c.Start(t.Context(), ProcessConfig{Args: []string{"sh", "-c", tc.script}, Stdout: &out, Stderr: &out})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "ready", func() bool { return strings.HasPrefix(out.String(), "ready") && len(c.Processes()) > 1 })
			if err := p.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-p.Done():
			case <-time.After(5 * time.Second):
				t.Fatalf("did not end: %q", out.String())
			}
			if code := p.Wait(); code != tc.wantCode || out.String() != tc.wantOut {
				t.Errorf("exit %d %q, want %d %q", code, out.String(), tc.wantCode, tc.wantOut)
			}
		})
	}
}
