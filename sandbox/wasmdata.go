package sandbox

import (
	"errors"
)

// errNoStrip is returned when a module's data cannot be preloaded.
var errNoStrip = errors.New("module data cannot be preloaded")

// stripData moves the active data segments of a WebAssembly module into a
// memory image: it returns the module without them and the image of its
// memory 0 once they are applied. The Go toolchain emits tens of thousands
// of small segments, and applying them one by one dominated an applet's
// start; copying one image is a single memmove.
//
// Only the shape Go emits is handled (active segments for memory 0 with an
// i32.const offset, no data count section); anything else returns
// errNoStrip and the module is used as is.
func stripData(mod []byte) (stripped, image []byte, err error) {
	if len(mod) < 8 || string(mod[:4]) != "\x00asm" {
		return nil, nil, errNoStrip
	}
	out := append([]byte{}, mod[:8]...)
	for i := 8; i < len(mod); {
		id := mod[i]
		size, j, err := readULEB(mod, i+1)
		if err != nil || uint64(len(mod)-j) < size {
			return nil, nil, errNoStrip
		}
		end := j + int(size)
		switch id {
		case 12: // data count: memory.init may refer to segments
			return nil, nil, errNoStrip
		case 11:
			if image, err = dataImage(mod[j:end]); err != nil {
				return nil, nil, err
			}
			out = append(out, 11, 1, 0) // a data section with no segments
		default:
			out = append(out, mod[i:end]...)
		}
		i = end
	}
	if image == nil {
		return nil, nil, errNoStrip
	}
	return out, image, nil
}

// maxImage bounds the memory image (Go modules start with a few MiB).
const maxImage = 256 << 20

// dataImage applies the segments of a data section to a zero memory.
func dataImage(sec []byte) ([]byte, error) {
	n, k, err := readULEB(sec, 0)
	if err != nil {
		return nil, errNoStrip
	}
	var image []byte
	for range n {
		var flag, off, l uint64
		if flag, k, err = readULEB(sec, k); err != nil || flag != 0 {
			return nil, errNoStrip
		}
		if k >= len(sec) || sec[k] != 0x41 { // i32.const
			return nil, errNoStrip
		}
		if off, k, err = readOffset(sec, k+1); err != nil {
			return nil, errNoStrip
		}
		if k >= len(sec) || sec[k] != 0x0b { // end
			return nil, errNoStrip
		}
		if l, k, err = readULEB(sec, k+1); err != nil || uint64(len(sec)-k) < l || off+l > maxImage {
			return nil, errNoStrip
		}
		if need := int(off + l); need > len(image) {
			image = append(image, make([]byte, need-len(image))...)
		}
		copy(image[off:], sec[k:k+int(l)])
		k += int(l)
	}
	if k != len(sec) {
		return nil, errNoStrip
	}
	return image, nil
}

// readULEB reads an unsigned LEB128 number at b[i:].
func readULEB(b []byte, i int) (uint64, int, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if i >= len(b) {
			return 0, i, errNoStrip
		}
		c := b[i]
		i++
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, i, nil
		}
	}
	return 0, i, errNoStrip
}

// readOffset reads the signed LEB128 i32 of an i32.const offset, which
// must be non-negative.
func readOffset(b []byte, i int) (uint64, int, error) {
	start := i
	v, i, err := readULEB(b, i)
	if err != nil || i-start > 5 || b[i-1]&0x40 != 0 || v >= 1<<31 {
		return 0, i, errNoStrip
	}
	return v, i, nil
}
