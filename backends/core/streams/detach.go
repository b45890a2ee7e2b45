package streams

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/containerd/errdefs"
)

// DefaultDetachKeys is Docker's detach sequence: ctrl-p, ctrl-q.
const DefaultDetachKeys = "ctrl-p,ctrl-q"

// ErrDetached is returned by a [DetachReader] when the client typed the
// detach sequence.
var ErrDetached = errors.New("detached from container")

// ParseDetachKeys turns "ctrl-p,ctrl-q" or "a,ctrl-@" into bytes, as
// moby/term's ToBytes. The empty string is the default sequence.
func ParseDetachKeys(s string) ([]byte, error) {
	if s == "" {
		s = DefaultDetachKeys
	}
	var out []byte
	for key := range strings.SplitSeq(s, ",") {
		b, err := parseKey(key)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid detach keys (%s) provided", s))
		}
		out = append(out, b)
	}
	return out, nil
}

func parseKey(key string) (byte, error) {
	if len(key) == 1 {
		return key[0], nil
	}
	c, ok := strings.CutPrefix(strings.ToLower(key), "ctrl-")
	if !ok || len(c) != 1 {
		return 0, errors.New("bad key")
	}
	switch ch := c[0]; {
	case ch >= 'a' && ch <= 'z':
		return ch - 'a' + 1, nil
	case ch == '@':
		return 0, nil
	case ch >= '[' && ch <= '_':
		return ch - '[' + 27, nil
	}
	return 0, errors.New("bad key")
}

// DetachReader passes input through, watching for the detach sequence.
// Bytes that start the sequence are held back until it is clear whether
// the sequence follows; when it does, Read returns [ErrDetached].
type DetachReader struct {
	r    io.Reader
	keys []byte
	held []byte // a prefix of keys read but not passed on
	out  []byte // bytes ready to be returned
	err  error
}

// NewDetachReader wraps r. With no keys, it never detaches.
func NewDetachReader(r io.Reader, keys []byte) *DetachReader {
	return &DetachReader{r: r, keys: keys}
}

// Read implements io.Reader.
func (d *DetachReader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		buf := make([]byte, len(p))
		n, err := d.r.Read(buf)
		for _, b := range buf[:n] {
			if d.scan(b) {
				d.err = ErrDetached
				break
			}
		}
		if err != nil && d.err == nil {
			d.out = append(d.out, d.held...)
			d.held = nil
			d.err = err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// scan feeds one byte; it reports whether the sequence is complete.
func (d *DetachReader) scan(b byte) bool {
	if len(d.keys) == 0 {
		d.out = append(d.out, b)
		return false
	}
	d.held = append(d.held, b)
	for len(d.held) > 0 {
		if strings.HasPrefix(string(d.keys), string(d.held)) {
			if len(d.held) == len(d.keys) {
				d.held = nil
				return true
			}
			return false
		}
		// Not the sequence: release the first held byte and retry the rest.
		d.out = append(d.out, d.held[0])
		d.held = d.held[1:]
	}
	return false
}
