package client

import (
	"context"
	"encoding/json"
	"io"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

// PutOptions tune [Conn.PutArchive], as Docker's query parameters of the
// same names.
type PutOptions struct {
	NoOverwriteDirNonDir bool
	CopyUIDGID           bool
}

// GetArchive returns a tar archive of path in the container and its stat.
// The archive streams from the agent as it is read; closing the reader
// early abandons the session.
func (c *Conn) GetArchive(ctx context.Context, path string) (io.ReadCloser, Stat, error) {
	s, err := c.open(ctx, wire.Request{Op: wire.OpGetArchive, Path: path})
	if err != nil {
		return nil, Stat{}, err
	}
	// The Stat arrives as a Result frame before the first byte of tar.
	for {
		f, err := s.Recv(ctx)
		if err != nil {
			s.Close()
			return nil, Stat{}, recvErr(ctx, err)
		}
		switch f.Type {
		case wire.TypeError:
			s.Close()
			return nil, Stat{}, agentError(f.Payload)
		case wire.TypeResult:
			var st Stat
			if err := json.Unmarshal(f.Payload, &st); err != nil {
				s.Abandon()
				return nil, Stat{}, err
			}
			r, w := io.Pipe()
			go func() {
				defer s.Close()
				_, err := receive(ctx, s, Streams{Stdout: w}, nil)
				if err != nil {
					s.Abandon()
				}
				w.CloseWithError(err)
			}()
			return r, st, nil
		}
	}
}

// PutArchive extracts the tar archive r into the directory path.
func (c *Conn) PutArchive(ctx context.Context, path string, r io.Reader, opts PutOptions) error {
	s, err := c.open(ctx, wire.Request{Op: wire.OpPutArchive, Path: path,
		NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir, CopyUIDGID: opts.CopyUIDGID})
	if err != nil {
		return err
	}
	_, err = run(ctx, s, Streams{Stdin: r}, nil)
	return err
}
