// Package wire is the agent protocol's framing: every WebSocket binary
// message is one frame, a 9-byte header (session ID, frame type, payload
// length) followed by the payload. PROTOCOL.md in the agent module describes
// the format; this package is its only encoder and decoder.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the size of a frame header in bytes.
const HeaderSize = 9

// MaxPayload is the largest payload a frame may carry. Data streams are cut
// into chunks of at most [ChunkSize]; only control messages come near it.
const MaxPayload = 1 << 20

// ChunkSize is the size data streams are cut into.
const ChunkSize = 128 << 10

// Type is a frame type.
type Type uint8

// Frame types. Data frames (Stdin, Stdout, Stderr) are flow controlled by
// Window frames; every other frame is a control frame.
const (
	TypeOpen       Type = 1  // client→agent: JSON [Request], opens a session
	TypeStdin      Type = 2  // client→agent: raw input bytes
	TypeStdinClose Type = 3  // client→agent: end of input
	TypeStdout     Type = 4  // agent→client: raw output bytes (tar for archives)
	TypeStderr     Type = 5  // agent→client: raw error output bytes
	TypeResize     Type = 6  // client→agent: uint16 height, uint16 width
	TypeSignal     Type = 7  // client→agent: uint8 signal number
	TypeStarted    Type = 8  // agent→client: JSON [Started]
	TypeExit       Type = 9  // agent→client: int32 exit code; ends the session
	TypeError      Type = 10 // agent→client: JSON [Error]; ends the session
	TypeResult     Type = 11 // agent→client: JSON, the answer of a one-shot request
	TypeWindow     Type = 12 // both: uint32 credit for more data bytes
	TypeClose      Type = 13 // client→agent: abandon the session
)

// String implements fmt.Stringer.
func (t Type) String() string {
	names := [...]string{"invalid", "open", "stdin", "stdin_close", "stdout", "stderr",
		"resize", "signal", "started", "exit", "error", "result", "window", "close"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// IsData reports whether frames of type t count against the flow control
// window.
func (t Type) IsData() bool {
	return t == TypeStdin || t == TypeStdout || t == TypeStderr
}

// Frame is one decoded frame. Payload aliases the buffer it was decoded from.
type Frame struct {
	Session uint32
	Type    Type
	Payload []byte
}

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("malformed agent frame")

// Append appends the encoding of f to b.
func Append(b []byte, f Frame) []byte {
	b = binary.BigEndian.AppendUint32(b, f.Session)
	b = append(b, byte(f.Type))
	b = binary.BigEndian.AppendUint32(b, uint32(len(f.Payload)))
	return append(b, f.Payload...)
}

// Decode decodes one frame from a whole WebSocket message. The length in the
// header must match the rest of the message exactly.
func Decode(msg []byte) (Frame, error) {
	if len(msg) < HeaderSize {
		return Frame{}, fmt.Errorf("%w: %d bytes is shorter than the header", ErrMalformed, len(msg))
	}
	f, n, err := DecodeHeader(msg[:HeaderSize])
	if err != nil {
		return Frame{}, err
	}
	if n != len(msg)-HeaderSize {
		return Frame{}, fmt.Errorf("%w: header says %d bytes, message has %d", ErrMalformed, n, len(msg)-HeaderSize)
	}
	f.Payload = msg[HeaderSize:]
	if err := checkFixed(f); err != nil {
		return Frame{}, err
	}
	return f, nil
}

// DecodeHeader decodes a frame header (HeaderSize bytes) and returns the
// frame without its payload and the payload's length, so that a reader
// can read the payload into a buffer of its choice; [CheckPayload] then
// checks it.
func DecodeHeader(h []byte) (Frame, int, error) {
	f := Frame{
		Session: binary.BigEndian.Uint32(h[0:4]),
		Type:    Type(h[4]),
	}
	n := binary.BigEndian.Uint32(h[5:9])
	if n > MaxPayload {
		return Frame{}, 0, fmt.Errorf("%w: payload of %d bytes is over the limit", ErrMalformed, n)
	}
	if f.Type < TypeOpen || f.Type > TypeClose {
		return Frame{}, 0, fmt.Errorf("%w: unknown frame type %d", ErrMalformed, h[4])
	}
	if f.Session == 0 {
		return Frame{}, 0, fmt.Errorf("%w: session 0 is reserved", ErrMalformed)
	}
	return f, int(n), nil
}

// CheckPayload checks the payload size of the fixed-size frame types.
func CheckPayload(f Frame) error { return checkFixed(f) }

// checkFixed checks the payload size of the fixed-size frame types.
func checkFixed(f Frame) error {
	want := -1
	switch f.Type {
	case TypeStdinClose, TypeClose:
		want = 0
	case TypeResize, TypeExit, TypeWindow:
		want = 4
	case TypeSignal:
		want = 1
	}
	if want >= 0 && len(f.Payload) != want {
		return fmt.Errorf("%w: %s frame has %d payload bytes, want %d", ErrMalformed, f.Type, len(f.Payload), want)
	}
	return nil
}

// Uint32 encodes v as a 4-byte payload (Exit, Window).
func Uint32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ParseUint32 decodes a 4-byte payload.
func ParseUint32(p []byte) uint32 { return binary.BigEndian.Uint32(p) }

// Size encodes a terminal size as a Resize payload.
func Size(height, width uint16) []byte {
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, height), width)
}

// ParseSize decodes a Resize payload.
func ParseSize(p []byte) (height, width uint16) {
	return binary.BigEndian.Uint16(p[0:2]), binary.BigEndian.Uint16(p[2:4])
}
