package textutils

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// odType is one output type of od: a letter (c, o, x, d, u) and a size.
type odType struct {
	kind byte
	size int
}

// Od dumps files in octal, hex, decimal or characters:
// od [-bcdosxv] [-A RADIX] [-t TYPE]... [-N COUNT] [-j SKIP] [FILE]...
func Od(e *applet.Env) int {
	o, files, err := e.Getopt("bcdosxvA:t:N:j:w:")
	if err != nil {
		return 1
	}
	var types []odType
	for _, f := range []struct {
		flag string
		t    odType
	}{{"b", odType{'o', 1}}, {"c", odType{'c', 1}}, {"d", odType{'u', 2}}, {"o", odType{'o', 2}}, {"s", odType{'d', 2}}, {"x", odType{'x', 2}}} {
		if o.Has(f.flag) {
			types = append(types, f.t)
		}
	}
	for _, spec := range o.All("t") {
		t, ok := parseOdType(spec)
		if !ok {
			return e.Fail("invalid type string '%s'", spec)
		}
		types = append(types, t...)
	}
	if len(types) == 0 {
		types = []odType{{'o', 2}}
	}
	radix := o.Get("A", "o")
	if len(radix) != 1 || !strings.Contains("doxn", radix) {
		return e.Fail("bad -A argument '%s'", radix)
	}
	var data []byte
	status := readAll(e, files, func(_ string, b []byte) { data = append(data, b...) })
	if j := o.Get("j", ""); j != "" {
		n, err := strconv.Atoi(j)
		if err != nil || n < 0 {
			return e.Fail("invalid number '%s'", j)
		}
		data = data[min(n, len(data)):]
	}
	if c := o.Get("N", ""); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return e.Fail("invalid number '%s'", c)
		}
		data = data[:min(n, len(data))]
	}
	addr := func(n int) string {
		switch radix {
		case "d":
			return fmt.Sprintf("%07d", n)
		case "x":
			return fmt.Sprintf("%06x", n)
		case "n":
			return ""
		}
		return fmt.Sprintf("%07o", n)
	}
	var prev []byte
	starred := false
	for off := 0; off < len(data); off += 16 {
		row := data[off:min(off+16, len(data))]
		if !o.Has("v") && prev != nil && bytes.Equal(row, prev) && len(row) == 16 {
			if !starred {
				fmt.Fprintln(e.Stdout, "*")
				starred = true
			}
			continue
		}
		prev, starred = row, false
		for i, t := range types {
			a := addr(off)
			if i > 0 {
				a = strings.Repeat(" ", len(a))
			}
			fmt.Fprintln(e.Stdout, a+odRow(row, t))
		}
	}
	if radix != "n" {
		fmt.Fprintln(e.Stdout, addr(len(data)))
	}
	return status
}

func parseOdType(spec string) ([]odType, bool) {
	var out []odType
	for spec != "" {
		k := spec[0]
		spec = spec[1:]
		if !strings.ContainsRune("acdoux", rune(k)) {
			return nil, false
		}
		size := 1
		if k != 'c' && k != 'a' {
			size = 4
			if k == 'o' || k == 'x' || k == 'd' || k == 'u' {
				size = 4
			}
			j := 0
			for j < len(spec) && spec[j] >= '0' && spec[j] <= '9' {
				j++
			}
			if j > 0 {
				n, _ := strconv.Atoi(spec[:j])
				if n != 1 && n != 2 && n != 4 && n != 8 {
					return nil, false
				}
				size = n
				spec = spec[j:]
			}
		}
		if k == 'a' {
			k = 'c'
		}
		out = append(out, odType{k, size})
	}
	return out, len(out) > 0
}

// odRow renders one row of up to 16 bytes as type t.
func odRow(row []byte, t odType) string {
	var b strings.Builder
	if t.kind == 'c' {
		for _, c := range row {
			b.WriteString(" " + odChar(c))
		}
		return b.String()
	}
	padded := append([]byte(nil), row...)
	for len(padded)%t.size != 0 {
		padded = append(padded, 0)
	}
	for i := 0; i < len(padded); i += t.size {
		var v uint64
		switch t.size {
		case 1:
			v = uint64(padded[i])
		case 2:
			v = uint64(binary.LittleEndian.Uint16(padded[i:]))
		case 4:
			v = uint64(binary.LittleEndian.Uint32(padded[i:]))
		default:
			v = binary.LittleEndian.Uint64(padded[i:])
		}
		digits := map[byte]map[int]int{
			'o': {1: 3, 2: 6, 4: 11, 8: 22}, 'x': {1: 2, 2: 4, 4: 8, 8: 16},
			'u': {1: 3, 2: 5, 4: 10, 8: 20}, 'd': {1: 4, 2: 6, 4: 11, 8: 20},
		}[t.kind][t.size]
		switch t.kind {
		case 'o':
			fmt.Fprintf(&b, " %0*o", digits, v)
		case 'x':
			fmt.Fprintf(&b, " %0*x", digits, v)
		case 'u':
			fmt.Fprintf(&b, " %*d", digits, v)
		case 'd':
			shift := 64 - 8*t.size
			fmt.Fprintf(&b, " %*d", digits, int64(v<<shift)>>shift)
		}
	}
	return b.String()
}

func odChar(c byte) string {
	switch c {
	case 0:
		return " \\0"
	case '\a':
		return " \\a"
	case '\b':
		return " \\b"
	case '\f':
		return " \\f"
	case '\n':
		return " \\n"
	case '\r':
		return " \\r"
	case '\t':
		return " \\t"
	case '\v':
		return " \\v"
	}
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("%03o", c)
	}
	return "  " + string(c)
}
