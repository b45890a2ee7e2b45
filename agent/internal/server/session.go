package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"syscall"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/proc"
	"github.com/sockerless/sockerless/agent/internal/wire"
)

// healthOutput is how much health check output is kept, as dockerd's
// maxOutputLen.
const healthOutput = 4096

func signal(n int) syscall.Signal { return syscall.Signal(n) }

// inbound is what the client sends during a session besides Open.
type inbound struct {
	stdin   *io.PipeWriter // nil when input is not wanted
	resize  chan [2]uint16
	signals chan syscall.Signal
}

// receive reads the client's frames until the session ends.
func (in inbound) receive(ctx context.Context, s *mux.Session) {
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			if in.stdin != nil {
				in.stdin.CloseWithError(err)
			}
			return
		}
		switch f.Type {
		case wire.TypeStdin:
			if in.stdin != nil {
				_, _ = in.stdin.Write(f.Payload)
			}
		case wire.TypeStdinClose:
			if in.stdin != nil {
				in.stdin.Close()
			}
		case wire.TypeResize:
			h, w := wire.ParseSize(f.Payload)
			select {
			case in.resize <- [2]uint16{h, w}:
			default:
			}
		case wire.TypeSignal:
			select {
			case in.signals <- syscall.Signal(f.Payload[0]):
			default:
			}
		}
	}
}

func (a *Agent) exec(ctx context.Context, s *mux.Session, req wire.Request) error {
	if req.Exec == nil {
		return errdefs.ErrInvalidArgument.WithMessage("exec without a process")
	}
	in := inbound{resize: make(chan [2]uint16, 8), signals: make(chan syscall.Signal, 8)}
	xio := proc.ExecIO{
		Stdout: s.Writer(ctx, wire.TypeStdout), Stderr: s.Writer(ctx, wire.TypeStderr),
		Resize: in.resize, Signals: in.signals,
	}
	if req.Exec.Stdin {
		r, w := io.Pipe()
		defer r.Close()
		in.stdin, xio.Stdin = w, r
	}
	go in.receive(ctx, s)
	code, err := a.Reaper.Exec(ctx, *req.Exec, xio, func(pid int) {
		b, _ := json.Marshal(wire.Started{PID: pid})
		_ = s.Send(ctx, wire.TypeStarted, b)
	})
	if err != nil {
		return err
	}
	return sendExit(ctx, s, code)
}

func (a *Agent) health(ctx context.Context, s *mux.Session, req wire.Request) error {
	if req.Exec == nil || req.Timeout <= 0 {
		return errdefs.ErrInvalidArgument.WithMessage("health check without a process or a timeout")
	}
	hctx, cancel := context.WithTimeout(ctx, req.Timeout)
	defer cancel()
	out := &capped{max: healthOutput}
	spec := *req.Exec
	spec.TTY, spec.Stdin = false, false
	code, err := a.Reaper.Exec(hctx, spec, proc.ExecIO{Stdout: out, Stderr: out}, nil)
	if err != nil {
		return err
	}
	res := wire.Health{ExitCode: code, Output: string(out.b)}
	if hctx.Err() != nil && ctx.Err() == nil {
		// dockerd's words and exit code for a check that ran out of time.
		res = wire.Health{ExitCode: -1, Output: fmt.Sprintf("Health check exceeded timeout (%v)", req.Timeout)}
	}
	return sendResult(ctx, s, res)
}

// capped keeps the first max bytes written to it.
type capped struct {
	b   []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (a *Agent) attach(ctx context.Context, s *mux.Session, req wire.Request) error {
	sub := a.Main.Output.Subscribe()
	defer sub.Cancel()
	go a.attachInput(ctx, s, req.Stdin)
	if req.Logs {
		for _, c := range sub.Replay {
			if err := s.Send(ctx, c.Stream, c.Data); err != nil {
				return err
			}
		}
	}
	if !req.Stream {
		return sendResult(ctx, s, struct{}{})
	}
	for c := range sub.C {
		if err := s.Send(ctx, c.Stream, c.Data); err != nil {
			return err
		}
	}
	if err := sub.Err(); err != nil {
		return errdefs.ErrUnavailable.WithMessage(err.Error())
	}
	select {
	case <-a.Main.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := sendExit(ctx, s, a.Main.ExitCode()); err != nil {
		return err
	}
	if a.Delivered != nil {
		a.deliverOnce.Do(func() { close(a.Delivered) })
	}
	return nil
}

// attachInput feeds an attached client's input to the main process.
func (a *Agent) attachInput(ctx context.Context, s *mux.Session, stdin bool) {
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			return
		}
		switch f.Type {
		case wire.TypeStdin:
			if stdin {
				_ = a.Main.WriteStdin(f.Payload)
			}
		case wire.TypeStdinClose:
			if stdin {
				_ = a.Main.CloseStdin()
			}
		case wire.TypeResize:
			_ = a.Main.Resize(wire.ParseSize(f.Payload))
		case wire.TypeSignal:
			_ = a.Main.Signal(syscall.Signal(f.Payload[0]))
		}
	}
}

func (a *Agent) putArchive(ctx context.Context, s *mux.Session, req wire.Request) error {
	r, w := io.Pipe()
	defer r.Close()
	go inbound{stdin: w}.receive(ctx, s)
	err := a.FS.PutArchive(ctx, req.Path, r, rootfsOptions(req))
	if err != nil {
		return err
	}
	return sendExit(ctx, s, 0)
}
