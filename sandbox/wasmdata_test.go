package sandbox

import (
	"bytes"
	"testing"

	"github.com/sockerless/sockerless/sandbox/toolbox"
)

func TestStripDataToolbox(t *testing.T) {
	mod, image, err := stripData(toolbox.Module())
	if err != nil {
		t.Fatal(err)
	}
	if len(mod) >= len(toolbox.Module()) || len(image) == 0 {
		t.Errorf("module %d → %d bytes, image %d bytes", len(toolbox.Module()), len(mod), len(image))
	}
}

func TestStripData(t *testing.T) {
	header := []byte("\x00asm\x01\x00\x00\x00")
	// data section: 2 segments, at 2 ("ab") and at 0 ("z").
	sec := []byte{2, 0, 0x41, 2, 0x0b, 2, 'a', 'b', 0, 0x41, 0, 0x0b, 1, 'z'}
	mod := append(append(append([]byte{}, header...), 11, byte(len(sec))), sec...)
	got, image, err := stripData(mod)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(append([]byte{}, header...), 11, 1, 0); !bytes.Equal(got, want) || string(image) != "z\x00ab" {
		t.Errorf("stripData = %q, %q", got, image)
	}
	for _, bad := range [][]byte{
		nil, []byte("nope"),
		append(append([]byte{}, header...), 11, 5, 1, 0, 0x41, 0x7f, 0x0b), // negative offset, truncated
		append(append([]byte{}, header...), 12, 1, 0),                      // data count
		append(append([]byte{}, header...), 11, 200),                       // short section
	} {
		if _, _, err := stripData(bad); err == nil {
			t.Errorf("stripData(%q) succeeded", bad)
		}
	}
}

func FuzzStripData(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0b\x0e\x02\x00\x41\x02\x0b\x02ab\x00\x41\x00\x0b\x01z"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, mod []byte) {
		stripped, image, err := stripData(mod)
		if err == nil && (len(stripped) > len(mod) || len(image) > maxImage) {
			t.Fatalf("stripData grew the module or the image: %d %d", len(stripped), len(image))
		}
	})
}
