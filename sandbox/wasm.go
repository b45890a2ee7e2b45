package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"
)

// exitTrapped is the status of an applet that trapped (a crash), as a
// process killed by SIGSEGV.
const exitTrapped = 139

// runApplet runs the toolbox as applet name with args in process p. The
// instance is closed when p's context is done (a signal), and its sleeps
// and reads end then too.
func (r *Runtime) runApplet(c *Container, p *Process, name string, args []string, pe *procEnv) int {
	ctx := p.ctx
	argv := append([]string{name}, args[1:]...)
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithArgs(argv...).
		WithStdout(&timedWriter{p: p, w: pe.stdout}).
		WithStderr(&timedWriter{p: p, w: pe.stderr}).
		WithWalltime(func() (int64, int32) {
			p.exitIfKilled()
			now := time.Now()
			return now.Unix(), int32(now.Nanosecond())
		}, sys.ClockResolution(time.Microsecond)).
		WithNanotime(func() int64 {
			p.exitIfKilled()
			return int64(time.Since(r.epoch))
		}, sys.ClockResolution(1)).
		WithRandSource(rand.Reader).
		WithNanosleep(func(ns int64) {
			p.sleep(time.Duration(ns))
			p.exitIfKilled()
		}).
		WithFSConfig(wazero.NewFSConfig().(sysfs.FSConfig).WithSysFSMount(newWasiFS(c, p, pe), "/"))
	if pe.stdin != nil {
		cfg = cfg.WithStdin(&killReader{ctxReader{p: p, r: pe.stdin}})
	}
	for _, kv := range append(appletEnv(p, pe), r.hostEnv...) {
		k, v, _ := cut(kv)
		cfg = cfg.WithEnv(k, v)
	}
	ctx = experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(func(capacity, max uint64) experimental.LinearMemory {
		return r.memory.newLinearMemory(p, r.image, capacity, max)
	}))
	p.running(true)
	mod, err := r.rt.InstantiateModule(ctx, r.compiled, cfg)
	p.running(false)
	if mod != nil {
		mod.Close(context.WithoutCancel(ctx))
	}
	var exit *sys.ExitError
	switch {
	case err == nil:
		return exitCode(ctx, 0)
	case errors.As(err, &exit):
		if c := exit.ExitCode(); c != sys.ExitCodeContextCanceled && c != sys.ExitCodeDeadlineExceeded {
			return exitCode(ctx, int(c))
		}
		return exitCode(ctx, 137)
	case ctx.Err() != nil:
		return exitCode(ctx, 137)
	}
	fmt.Fprintf(pe.stderr, "%s: crashed in the sockerless sandbox: %v\n", name, err)
	return exitTrapped
}

// appletEnv is the environment of an applet: the process's, plus PWD (the
// applets resolve relative paths against it) and the user's IDs.
func appletEnv(p *Process, pe *procEnv) []string {
	set := []string{"PWD=" + pe.dir,
		"SOCKERLESS_UID=" + strconv.Itoa(pe.user.uid),
		"SOCKERLESS_GID=" + strconv.Itoa(pe.user.gid)}
	if ws := p.rootWinsize(); ws != 0 {
		set = append(set, "LINES="+strconv.Itoa(int(ws>>32)), "COLUMNS="+strconv.Itoa(int(uint32(ws))))
	}
	// Go's wasip1 runtime keeps the first of duplicate names: drop them.
	env := make([]string, 0, len(pe.env)+len(set))
	for _, kv := range pe.env {
		k, _, _ := cut(kv)
		if !slices.ContainsFunc(set, func(s string) bool { return strings.HasPrefix(s, k+"=") }) {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

func cut(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

// exitIfKilled ends the running applet when the process was signalled. It
// is called from the host functions an applet calls (clocks, sleeps,
// reads, writes): the runtime does not instrument the compiled code with
// cancellation checks (WithCloseOnContextDone), which made applets several
// times slower. wazero turns the panic into the module's exit.
//
// # Notes
//
//   - An applet computing in a loop without any system call cannot be
//     stopped until its next one.
func (p *Process) exitIfKilled() {
	if p.ctx.Err() != nil {
		panic(sys.NewExitError(uint32(exitCode(p.ctx, 137))))
	}
}

// killReader is the stdin of an applet: a [ctxReader] that ends the
// applet when the process is signalled.
type killReader struct{ ctxReader }

func (k *killReader) Read(b []byte) (int, error) {
	n, err := k.ctxReader.Read(b)
	k.p.exitIfKilled()
	return n, err
}

// sleep pauses for d or until the process is signalled.
func (p *Process) sleep(d time.Duration) {
	start := time.Now()
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-p.ctx.Done():
		t.Stop()
	}
	p.addBlocked(time.Since(start))
}

// rootWinsize is the terminal size of the process or its nearest ancestor
// that has one.
func (p *Process) rootWinsize() uint64 {
	for q := p; q != nil; {
		if ws := q.winsize.Load(); ws != 0 {
			return ws
		}
		parent, ok := p.c.process(q.ppid)
		if !ok || parent == q {
			break
		}
		q = parent
	}
	return 0
}

// timedWriter counts the time a process is blocked writing as not running.
type timedWriter struct {
	p *Process
	w io.Writer
}

func (t *timedWriter) Write(b []byte) (int, error) {
	t.p.exitIfKilled()
	start := time.Now()
	n, err := t.w.Write(b)
	t.p.addBlocked(time.Since(start))
	t.p.exitIfKilled()
	return n, err
}

// ctxReader reads from r only when the applet reads (so that an applet that
// never reads its stdin leaves it to the next command, as a shared file
// descriptor does) and gives up when the process is signalled.
type ctxReader struct {
	p *Process
	r io.Reader
}

type readResult struct {
	b   []byte
	err error
}

func (c *ctxReader) Read(b []byte) (int, error) {
	start := time.Now()
	defer func() { c.p.addBlocked(time.Since(start)) }()
	ch := make(chan readResult, 1)
	go func() {
		buf := make([]byte, len(b))
		n, err := c.r.Read(buf)
		ch <- readResult{buf[:n], err}
	}()
	select {
	case res := <-ch:
		return copy(b, res.b), res.err
	case <-c.p.ctx.Done():
		return 0, io.ErrClosedPipe
	}
}
