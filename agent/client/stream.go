package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"syscall"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/internal/mux"
	"github.com/sockerless/sockerless/agent/internal/wire"
)

// Size is a terminal size in character cells.
type Size struct {
	Height, Width uint16
}

// Streams are the client's ends of a session's streams. A nil Stdin sends
// no input (the process reads /dev/null); its EOF closes the process's
// stdin. With a TTY, Stderr is unused.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Resize         <-chan Size
	Signals        <-chan syscall.Signal
}

// Exec runs spec in the container and returns its exit code once it ends.
// started, when not nil, gets the process ID once it runs. When ctx ends
// first the session is abandoned and the agent kills the process.
func (c *Conn) Exec(ctx context.Context, spec ExecSpec, st Streams, started func(pid int)) (int, error) {
	spec.Stdin = st.Stdin != nil
	s, err := c.open(ctx, wire.Request{Op: wire.OpExec, Exec: &spec})
	if err != nil {
		return 0, err
	}
	return run(ctx, s, st, started)
}

// AttachOptions select what [Conn.Attach] streams, as Docker's attach query.
type AttachOptions struct {
	// Logs replays the main process's buffered output first.
	Logs bool
	// Stream follows the live output until the main process ends.
	Stream bool
}

// Attach streams the main process's output (and feeds it st.Stdin). With
// opts.Stream it returns the exit code when the main process ends; without
// it, it returns once the replay is done, with exit code -1.
func (c *Conn) Attach(ctx context.Context, opts AttachOptions, st Streams) (int, error) {
	s, err := c.open(ctx, wire.Request{Op: wire.OpAttach, Logs: opts.Logs, Stream: opts.Stream, Stdin: st.Stdin != nil})
	if err != nil {
		return 0, err
	}
	return run(ctx, s, st, nil)
}

// errReplayDone ends an attach without Stream at its Result frame.
var errReplayDone = errors.New("replay done")

// run pumps a streaming session until its Exit or Error frame.
func run(ctx context.Context, s *mux.Session, st Streams, started func(int)) (int, error) {
	defer s.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go send(sctx, s, st)
	code, err := receive(ctx, s, st, started)
	if errors.Is(err, errReplayDone) {
		return -1, nil
	}
	if err != nil && ctx.Err() != nil {
		s.Abandon()
		return 0, ctx.Err()
	}
	return code, err
}

func receive(ctx context.Context, s *mux.Session, st Streams, started func(int)) (int, error) {
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			return 0, recvErr(ctx, err)
		}
		switch f.Type {
		case wire.TypeStdout:
			if st.Stdout != nil {
				if _, err := st.Stdout.Write(f.Payload); err != nil {
					s.Abandon()
					return 0, errdefs.ErrUnavailable.WithMessage("write output: " + err.Error())
				}
			}
		case wire.TypeStderr:
			w := st.Stderr
			if w == nil {
				w = st.Stdout
			}
			if w != nil {
				if _, err := w.Write(f.Payload); err != nil {
					s.Abandon()
					return 0, errdefs.ErrUnavailable.WithMessage("write output: " + err.Error())
				}
			}
		case wire.TypeStarted:
			var p wire.Started
			if started != nil && json.Unmarshal(f.Payload, &p) == nil {
				started(p.PID)
			}
		case wire.TypeExit:
			return int(int32(wire.ParseUint32(f.Payload))), nil
		case wire.TypeError:
			return 0, agentError(f.Payload)
		case wire.TypeResult:
			return 0, errReplayDone
		}
	}
}

// send forwards input, resizes and signals to the agent until ctx ends.
func send(ctx context.Context, s *mux.Session, st Streams) {
	if st.Stdin != nil {
		go func() {
			w := s.Writer(ctx, wire.TypeStdin)
			if _, err := io.Copy(w, st.Stdin); err != nil && ctx.Err() != nil {
				return
			}
			_ = s.Send(ctx, wire.TypeStdinClose, nil)
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case sz, ok := <-st.Resize:
			if !ok {
				st.Resize = nil
				continue
			}
			_ = s.Send(ctx, wire.TypeResize, wire.Size(sz.Height, sz.Width))
		case sig, ok := <-st.Signals:
			if !ok {
				st.Signals = nil
				continue
			}
			_ = s.Send(ctx, wire.TypeSignal, []byte{byte(sig)})
		}
	}
}
