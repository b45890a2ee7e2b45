package mux

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sockerless/sockerless/agent/internal/wire"
)

var readFrameTests = []struct {
	name string
	in   []byte
	ok   bool
}{
	{"small data", wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeStdout, Payload: []byte("hi")}), true},
	{"chunk of data", wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeStdout, Payload: big}), true},
	{"over a chunk", wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeStdin, Payload: append(big, 'y')}), true},
	{"control", wire.Append(nil, wire.Frame{Session: 3, Type: wire.TypeExit, Payload: wire.Uint32(7)}), true},
	{"short header", []byte{0, 0, 0, 1, 4}, false},
	{"truncated payload", wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeStdout, Payload: []byte("abc")})[:11], false},
	{"trailing bytes", append(wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeStdout, Payload: []byte("a")}), 'b'), false},
	{"bad exit size", wire.Append(nil, wire.Frame{Session: 1, Type: wire.TypeExit, Payload: []byte{1}}), false},
}

var big = bytes.Repeat([]byte("x"), wire.ChunkSize)

func newTestConn() *Conn {
	c := &Conn{}
	c.pool.New = func() any { b := make([]byte, wire.ChunkSize); return &b }
	return c
}

func TestReadFrame(t *testing.T) {
	tests := readFrameTests
	c := newTestConn()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _, err := c.readFrame(bytes.NewReader(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, wire.ErrMalformed) {
					t.Fatalf("error %v does not wrap ErrMalformed", err)
				}
				return
			}
			if got := wire.Append(nil, f); !bytes.Equal(got, tc.in) {
				t.Errorf("frame re-encodes differently")
			}
		})
	}
}

// FuzzReadFrame checks that the streaming reader accepts exactly what
// wire.Decode accepts, with the same frame.
func FuzzReadFrame(f *testing.F) {
	for _, tc := range readFrameTests {
		f.Add(tc.in)
	}
	c := newTestConn()
	f.Fuzz(func(t *testing.T, in []byte) {
		got, _, err := c.readFrame(bytes.NewReader(in))
		want, werr := wire.Decode(in)
		if (err == nil) != (werr == nil) {
			t.Fatalf("readFrame err %v, Decode err %v", err, werr)
		}
		if err == nil && !bytes.Equal(wire.Append(nil, got), wire.Append(nil, want)) {
			t.Fatalf("readFrame and Decode disagree on %x", in)
		}
	})
}
