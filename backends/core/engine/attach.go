package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/logs"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// AttachOptions are a container attach request.
type AttachOptions struct {
	Stream, Logs          bool
	Stdin, Stdout, Stderr bool
	DetachKeys            string
}

// Attachment is a validated attach request, registered with the
// container before the connection is hijacked so that no output produced
// in between is lost.
type Attachment struct {
	e      *Engine
	c      *Container
	opts   AttachOptions
	keys   []byte
	tty    bool
	client *streams.Client
}

// Attach validates an attach to container ref and registers it.
func (e *Engine) Attach(ctx context.Context, ref string, opts AttachOptions) (*Attachment, error) {
	keys, err := streams.ParseDetachKeys(opts.DetachKeys)
	if err != nil {
		return nil, err
	}
	c, err := e.get(ref)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.rec.State.Status {
	case StatusPaused:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is paused, unpause the container before attach", c.rec.ID))
	case StatusRestarting:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is restarting, wait until the container is running", c.rec.ID))
	}
	a := &Attachment{e: e, c: c, opts: opts, keys: keys, tty: c.rec.Config.Tty}
	if opts.Stream {
		a.client = streams.NewClient(opts.Stdout, opts.Stderr && !a.tty)
		c.hub.Add(a.client)
	}
	// Here rather than in Run, which starts after the hijack: a client
	// that starts the container once it has its 101 must see attach
	// before start in the events, as with dockerd.
	e.event(ctx, c, mevents.ActionAttach, nil)
	return a, nil
}

// TTY reports whether the stream is raw (the container has a TTY).
func (a *Attachment) TTY() bool { return a.tty }

// Cancel unregisters an attachment whose connection could not be hijacked.
func (a *Attachment) Cancel() {
	if a.client != nil {
		a.c.hub.Remove(a.client)
	}
}

// Run serves the attachment over a hijacked connection: past output
// (logs), then live output until the container stops, the client detaches
// with the detach keys, or the connection fails. Input from in goes to
// the container's stdin; with StdinOnce, its end closes the stdin.
func (a *Attachment) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	defer a.Cancel()
	c := a.c
	c.mu.Lock()
	stdin, once := c.stdin, c.rec.Config.StdinOnce
	id := c.rec.ID
	c.mu.Unlock()
	if a.opts.Logs {
		if err := a.replay(ctx, id, out); err != nil {
			return err
		}
	}
	if !a.opts.Stream {
		return nil
	}
	if err := a.client.Connect(out, a.tty); err != nil {
		return err
	}
	// The session ends when the run ends, the client detaches, or its
	// connection fails. A client that half-closes (EOF) keeps receiving
	// output until the container stops.
	detached, gone := make(chan struct{}), make(chan struct{})
	go func() {
		var err error
		if a.opts.Stdin && stdin != nil {
			_, err = io.Copy(stdin.w, streams.NewDetachReader(in, a.keys))
			if once {
				stdin.CloseWrite()
			}
		} else {
			_, err = io.Copy(io.Discard, in)
		}
		switch {
		case errors.Is(err, streams.ErrDetached):
			close(detached)
		case err != nil && !errors.Is(err, io.ErrClosedPipe):
			close(gone)
		}
	}()
	select {
	case <-a.client.Done():
	case <-detached:
	case <-gone:
	case <-ctx.Done():
	}
	return nil
}

// replay writes the container's logged output, framed as the live stream.
func (a *Attachment) replay(ctx context.Context, id string, out io.Writer) error {
	var stdout, stderr io.Writer = out, out
	if !a.tty {
		stdout, stderr, _ = streams.NewFrameWriters(out)
	}
	return logs.Read(ctx, a.e.logPath(id), driver.LogOptions{Tail: -1}, nil, func(le driver.LogEntry) error {
		switch {
		case le.Stream == "stdout" && a.opts.Stdout:
			_, err := stdout.Write(le.Data)
			return err
		case le.Stream == "stderr" && a.opts.Stderr:
			_, err := stderr.Write(le.Data)
			return err
		}
		return nil
	})
}
