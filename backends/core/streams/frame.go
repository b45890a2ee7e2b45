package streams

import (
	"encoding/binary"
	"io"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
)

// maxFrame bounds one frame's payload; longer writes are split.
const maxFrame = 1 << 20

// FrameWriter writes the multiplexed stream framing that
// [stdcopy.StdCopy] reads: a header of the stream type, three zero bytes
// and the big-endian payload length, then the payload.
type FrameWriter struct {
	mu *sync.Mutex
	w  io.Writer
	t  stdcopy.StdType
}

// NewFrameWriters returns writers framing stdout, stderr and system errors
// onto w; they share a lock so frames never interleave.
func NewFrameWriters(w io.Writer) (stdout, stderr, syserr *FrameWriter) {
	mu := &sync.Mutex{}
	return &FrameWriter{mu, w, stdcopy.Stdout}, &FrameWriter{mu, w, stdcopy.Stderr}, &FrameWriter{mu, w, stdcopy.Systemerr}
}

// Write implements io.Writer: p goes out as one or more frames.
func (f *FrameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	buf := make([]byte, 8+min(len(p), maxFrame))
	for len(p) > 0 {
		chunk := p[:min(len(p), maxFrame)]
		buf = buf[:8+len(chunk)]
		buf[0] = byte(f.t)
		binary.BigEndian.PutUint32(buf[4:8], uint32(len(chunk)))
		copy(buf[8:], chunk)
		if _, err := f.w.Write(buf); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}
