package wire

import (
	"bytes"
	"errors"
	"testing"
)

var frameTests = []struct {
	name string
	in   []byte
	ok   bool
}{
	{"stdout", Append(nil, Frame{Session: 1, Type: TypeStdout, Payload: []byte("hi")}), true},
	{"empty stdin", Append(nil, Frame{Session: 7, Type: TypeStdin}), true},
	{"exit", Append(nil, Frame{Session: 2, Type: TypeExit, Payload: Uint32(3)}), true},
	{"resize", Append(nil, Frame{Session: 2, Type: TypeResize, Payload: Size(24, 80)}), true},
	{"short", []byte{0, 0, 0, 1, 4}, false},
	{"session zero", Append(nil, Frame{Session: 0, Type: TypeStdout}), false},
	{"unknown type", Append(nil, Frame{Session: 1, Type: 99}), false},
	{"exit too short", Append(nil, Frame{Session: 1, Type: TypeExit, Payload: []byte{1}}), false},
	{"length mismatch", append(Append(nil, Frame{Session: 1, Type: TypeStdout, Payload: []byte("a")}), 'b'), false},
	{"huge length", []byte{0, 0, 0, 1, 4, 0xff, 0xff, 0xff, 0xff}, false},
}

func TestDecode(t *testing.T) {
	for _, tc := range frameTests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("Decode: err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestSize(t *testing.T) {
	h, w := ParseSize(Size(24, 80))
	if h != 24 || w != 80 {
		t.Fatalf("got %dx%d", h, w)
	}
}

// FuzzDecode checks that whatever decodes re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, tc := range frameTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fr, err := Decode(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if out := Append(nil, fr); !bytes.Equal(out, in) {
			t.Fatalf("round trip changed %x to %x", in, out)
		}
	})
}
