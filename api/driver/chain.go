package driver

import (
	"context"
	"errors"
	"io"
)

// Chain links the layers of one driver concern in order: Agent, then
// Process, then Synthetic. Nil layers are skipped. A call goes to the first
// layer, and moves on only while a layer answers [ErrUnsupported].
type Chain[T any] []T

// NewChain builds a chain from the non-nil layers, in the order given.
func NewChain[T any](layers ...T) Chain[T] {
	var c Chain[T]
	for _, l := range layers {
		if any(l) != nil {
			c = append(c, l)
		}
	}
	return c
}

// first calls fn on each layer until one does not return ErrUnsupported.
func first[T any](c Chain[T], fn func(T) error) error {
	for _, l := range c {
		if err := fn(l); !errors.Is(err, ErrUnsupported) {
			return err
		}
	}
	return ErrUnsupported
}

// ExecChain is an [Exec] served by a chain of layers.
type ExecChain Chain[Exec]

var _ Exec = ExecChain(nil)

// Exec implements [Exec].
func (c ExecChain) Exec(ctx context.Context, id string, p Process, s Streams, started func(int)) (code int, err error) {
	err = first(Chain[Exec](c), func(l Exec) error {
		code, err = l.Exec(ctx, id, p, s, started)
		return err
	})
	return code, err
}

// FilesystemChain is a [Filesystem] served by a chain of layers.
type FilesystemChain Chain[Filesystem]

var _ Filesystem = FilesystemChain(nil)

// StatPath implements [Filesystem].
func (c FilesystemChain) StatPath(ctx context.Context, id, path string) (st PathStat, err error) {
	err = first(Chain[Filesystem](c), func(l Filesystem) error {
		st, err = l.StatPath(ctx, id, path)
		return err
	})
	return st, err
}

// GetArchive implements [Filesystem].
func (c FilesystemChain) GetArchive(ctx context.Context, id, path string) (rc io.ReadCloser, st PathStat, err error) {
	err = first(Chain[Filesystem](c), func(l Filesystem) error {
		rc, st, err = l.GetArchive(ctx, id, path)
		return err
	})
	return rc, st, err
}

// PutArchive implements [Filesystem].
func (c FilesystemChain) PutArchive(ctx context.Context, id, path string, r io.Reader, opts ArchiveOptions) error {
	return first(Chain[Filesystem](c), func(l Filesystem) error {
		return l.PutArchive(ctx, id, path, r, opts)
	})
}

// Export implements [Filesystem].
func (c FilesystemChain) Export(ctx context.Context, id string) (rc io.ReadCloser, err error) {
	err = first(Chain[Filesystem](c), func(l Filesystem) error {
		rc, err = l.Export(ctx, id)
		return err
	})
	return rc, err
}

// Changes implements [Filesystem].
func (c FilesystemChain) Changes(ctx context.Context, id string) (ch []Change, err error) {
	err = first(Chain[Filesystem](c), func(l Filesystem) error {
		ch, err = l.Changes(ctx, id)
		return err
	})
	return ch, err
}

// StreamChain is a [Stream] served by a chain of layers.
type StreamChain Chain[Stream]

var _ Stream = StreamChain(nil)

// Logs implements [Stream].
func (c StreamChain) Logs(ctx context.Context, id string, opts LogOptions, fn func(LogEntry) error) error {
	return first(Chain[Stream](c), func(l Stream) error {
		return l.Logs(ctx, id, opts, fn)
	})
}

// NetworkChain is a [Network] served by a chain of layers.
type NetworkChain Chain[Network]

var _ Network = NetworkChain(nil)

// Connect implements [Network].
func (c NetworkChain) Connect(ctx context.Context, id string, ep Endpoint) error {
	return first(Chain[Network](c), func(l Network) error {
		return l.Connect(ctx, id, ep)
	})
}

// Disconnect implements [Network].
func (c NetworkChain) Disconnect(ctx context.Context, id, networkID string) error {
	return first(Chain[Network](c), func(l Network) error {
		return l.Disconnect(ctx, id, networkID)
	})
}
