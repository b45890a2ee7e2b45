package textutils

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Dos2unix converts line endings in place (or stdin to stdout):
// dos2unix [-ud] [FILE]...; as unix2dos it converts the other way.
func Dos2unix(e *applet.Env) int {
	o, files, err := e.Getopt("ud")
	if err != nil {
		return 1
	}
	toDos := e.Name() == "unix2dos"
	if o.Has("d") {
		toDos = true
	}
	if o.Has("u") {
		toDos = false
	}
	conv := func(data []byte) []byte {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		if toDos {
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		}
		return data
	}
	if len(files) == 0 {
		return readAll(e, nil, func(_ string, data []byte) { e.Stdout.Write(conv(data)) })
	}
	status := 0
	for _, name := range files {
		data, err := os.ReadFile(e.Path(name))
		if err == nil {
			err = os.WriteFile(e.Path(name), conv(data), 0o644)
		}
		if err != nil {
			e.Perror(err, "%s", name)
			status = 1
		}
	}
	return status
}

// Strings prints runs of at least N printable characters: strings [-n N] [FILE]...
func Strings(e *applet.Env) int {
	o, files, err := e.Getopt("afon:t:")
	if err != nil {
		return 1
	}
	n, err := strconv.Atoi(o.Get("n", "4"))
	if err != nil || n < 1 {
		return e.Fail("invalid number '%s'", o.Get("n", ""))
	}
	return readAll(e, files, func(name string, data []byte) {
		start := -1
		flush := func(end int) {
			if start >= 0 && end-start >= n {
				if o.Has("f") {
					fmt.Fprintf(e.Stdout, "%s: ", name)
				}
				fmt.Fprintf(e.Stdout, "%s\n", data[start:end])
			}
			start = -1
		}
		for i, c := range data {
			if c >= 0x20 && c < 0x7f || c == '\t' {
				if start < 0 {
					start = i
				}
				continue
			}
			flush(i)
		}
		flush(len(data))
	})
}

// Xxd hex-dumps its input: xxd [-p] [-c COLS] [FILE], or reverses a plain
// dump with -r -p.
func Xxd(e *applet.Env) int {
	o, files, err := e.Getopt("prc:l:", "ps=p")
	if err != nil {
		return 1
	}
	return readAll(e, files[:min(len(files), 1)], func(_ string, data []byte) {
		switch {
		case o.Has("r"):
			clean := strings.Join(strings.Fields(string(data)), "")
			out := make([]byte, 0, len(clean)/2)
			for i := 0; i+1 < len(clean); i += 2 {
				v, err := strconv.ParseUint(clean[i:i+2], 16, 8)
				if err != nil {
					break
				}
				out = append(out, byte(v))
			}
			e.Stdout.Write(out)
		case o.Has("p"):
			const cols = 30
			for i := 0; i < len(data); i += cols {
				fmt.Fprintf(e.Stdout, "%x\n", data[i:min(i+cols, len(data))])
			}
		default:
			for i := 0; i < len(data); i += 16 {
				row := data[i:min(i+16, len(data))]
				var hex strings.Builder
				for j := 0; j < 16; j++ {
					if j < len(row) {
						fmt.Fprintf(&hex, "%02x", row[j])
					} else {
						hex.WriteString("  ")
					}
					if j%2 == 1 {
						hex.WriteByte(' ')
					}
				}
				fmt.Fprintf(e.Stdout, "%08x: %s %s\n", i, hex.String(), printable(row))
			}
		}
	})
}

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 0x20 && c < 0x7f {
			out[i] = c
		} else {
			out[i] = '.'
		}
	}
	return string(out)
}

// Hexdump prints the canonical hex+ASCII dump: hexdump -C [FILE]...
func Hexdump(e *applet.Env) int {
	o, files, err := e.Getopt("Cvn:s:")
	if err != nil {
		return 1
	}
	if !o.Has("C") {
		return e.Fail("only the canonical format (-C) is supported")
	}
	var all []byte
	status := readAll(e, files, func(_ string, data []byte) { all = append(all, data...) })
	for i := 0; i < len(all); i += 16 {
		row := all[i:min(i+16, len(all))]
		var hex strings.Builder
		for j := 0; j < 16; j++ {
			if j == 8 {
				hex.WriteByte(' ')
			}
			if j < len(row) {
				fmt.Fprintf(&hex, " %02x", row[j])
			} else {
				hex.WriteString("   ")
			}
		}
		fmt.Fprintf(e.Stdout, "%08x %s  |%s|\n", i, hex.String(), printable(row))
	}
	if len(all) > 0 {
		fmt.Fprintf(e.Stdout, "%08x\n", len(all))
	}
	return status
}
