package streams

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
)

func TestFrameRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	out, errw, _ := NewFrameWriters(&buf)
	out.Write([]byte("hello "))
	errw.Write([]byte("oops"))
	out.Write([]byte("world"))
	var o, e bytes.Buffer
	if _, err := stdcopy.StdCopy(&o, &e, &buf); err != nil {
		t.Fatal(err)
	}
	if o.String() != "hello world" || e.String() != "oops" {
		t.Fatalf("stdout %q stderr %q", o.String(), e.String())
	}
}

func FuzzFrameRoundTrip(f *testing.F) {
	f.Add([]byte("hello"), []byte("err"))
	f.Add([]byte{}, []byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var buf bytes.Buffer
		out, errw, _ := NewFrameWriters(&buf)
		out.Write(a)
		errw.Write(b)
		var o, e bytes.Buffer
		if _, err := stdcopy.StdCopy(&o, &e, &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(o.Bytes(), a) || !bytes.Equal(e.Bytes(), b) {
			t.Fatalf("round trip changed the data")
		}
	})
}

var detachTests = []struct {
	keys string
	want []byte
	bad  bool
}{
	{"", []byte{16, 17}, false},
	{"ctrl-p,ctrl-q", []byte{16, 17}, false},
	{"ctrl-a", []byte{1}, false},
	{"a,b", []byte{'a', 'b'}, false},
	{"ctrl-@,ctrl-_", []byte{0, 31}, false},
	{"ctrl-", nil, true},
	{"ctrl-aa", nil, true},
	{"foo", nil, true},
	{",", nil, true},
}

func TestParseDetachKeys(t *testing.T) {
	for _, tc := range detachTests {
		got, err := ParseDetachKeys(tc.keys)
		if tc.bad {
			if !errdefs.IsInvalidArgument(err) {
				t.Errorf("%q: err = %v, want invalid argument", tc.keys, err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%q = %v, %v; want %v", tc.keys, got, err, tc.want)
		}
	}
}

func TestDetachReader(t *testing.T) {
	tests := []struct {
		in, want string
		detached bool
	}{
		{"hello", "hello", false},
		{"ab\x10\x11cd", "ab", true},
		{"a\x10b", "a\x10b", false},
		{"a\x10\x10\x11", "a\x10", true},
		{"tail\x10", "tail\x10", false},
	}
	for _, tc := range tests {
		r := NewDetachReader(strings.NewReader(tc.in), []byte{16, 17})
		got, err := io.ReadAll(r)
		if string(got) != tc.want || errors.Is(err, ErrDetached) != tc.detached {
			t.Errorf("%q: got %q, %v; want %q detached=%v", tc.in, got, err, tc.want, tc.detached)
		}
	}
}

func FuzzDetachKeys(f *testing.F) {
	for _, tc := range detachTests {
		f.Add(tc.keys, "input\x10\x11")
	}
	f.Fuzz(func(t *testing.T, keys, in string) {
		k, err := ParseDetachKeys(keys)
		if err != nil {
			return
		}
		got, err := io.ReadAll(NewDetachReader(strings.NewReader(in), k))
		if !errors.Is(err, ErrDetached) && err != nil {
			t.Fatal(err)
		}
		if !errors.Is(err, ErrDetached) && string(got) != in {
			t.Fatalf("without detaching, input %q came out as %q", in, got)
		}
		if !strings.HasPrefix(in, string(got)) {
			t.Fatalf("output %q is not a prefix of %q", got, in)
		}
	})
}

func TestHubBuffersUntilConnect(t *testing.T) {
	var h Hub
	c := NewClient(true, false)
	h.Add(c)
	h.Write(Stdout, []byte("early "))
	h.Write(Stderr, []byte("ignored"))
	var buf bytes.Buffer
	if err := c.Connect(&buf, true); err != nil {
		t.Fatal(err)
	}
	h.Write(Stdout, []byte("late"))
	h.EndRun()
	<-c.Done()
	if buf.String() != "early late" {
		t.Fatalf("got %q", buf.String())
	}
}
