package textutils

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Seq prints numbers from FIRST (1) by INC (1) to LAST: seq [-w] [-s SEP]
// [FIRST [INC]] LAST. As busybox, the output has as many decimals as the
// operand with the most, and -w pads with zeros to equal width.
func Seq(e *applet.Env) int {
	args := e.Args[1:]
	sep, width := "\n", false
	// As busybox (getopt), "-3" is an option, not a number: "seq -- -3 -1".
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		switch {
		case args[0] == "-w":
			width = true
		case args[0] == "-s" && len(args) > 1:
			sep = args[1]
			args = args[1:]
		case strings.HasPrefix(args[0], "-s"):
			sep = args[0][2:]
		case args[0] == "--":
			args = args[1:]
			goto operands
		case strings.HasPrefix(args[0], "-w"):
			width = true
			if rest := args[0][2:]; rest != "" {
				args[0] = "-" + rest
				continue
			}
		default:
			e.Errorf("invalid option -- '%c'", args[0][1])
			return 1
		}
		args = args[1:]
	}
operands:
	if len(args) < 1 || len(args) > 3 {
		e.ShowUsage()
		return 1
	}
	nums := make([]float64, len(args))
	prec := 0
	for i, a := range args {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil || strings.ContainsAny(a, "xXnN") {
			return e.Fail("invalid number '%s'", a)
		}
		nums[i] = v
		if dot := strings.IndexByte(a, '.'); dot >= 0 {
			prec = max(prec, len(a)-dot-1)
		}
	}
	first, inc, last := 1.0, 1.0, nums[len(nums)-1]
	if len(nums) > 1 {
		first = nums[0]
	}
	if len(nums) == 3 {
		inc = nums[1]
	}
	if inc == 0 {
		return 0
	}
	w := 0
	if width {
		w = max(len(strconv.FormatFloat(first, 'f', prec, 64)), len(strconv.FormatFloat(last, 'f', prec, 64)))
	}
	if prec == 0 && w == 0 && isInt(first) && isInt(inc) {
		return seqInts(e, int64(first), int64(inc), last, sep)
	}
	n := 0
	for v := first; (inc > 0 && v <= last) || (inc < 0 && v >= last); v = first + float64(n)*inc {
		if n > 0 {
			writeString(e, sep)
		}
		if _, err := fmt.Fprintf(e.Stdout, "%0*.*f", w, prec, v); err != nil {
			return 1 // the reader went away (busybox dies of SIGPIPE)
		}
		n++
	}
	if n > 0 {
		writeString(e, "\n")
	}
	return 0
}

func isInt(v float64) bool { return v == float64(int64(v)) && v > -1e15 && v < 1e15 }

// seqInts is the common integer case, without float formatting.
func seqInts(e *applet.Env, v, inc int64, last float64, sep string) int {
	var buf []byte
	n := 0
	for ; (inc > 0 && float64(v) <= last) || (inc < 0 && float64(v) >= last); v += inc {
		if n > 0 {
			buf = append(buf, sep...)
		}
		buf = strconv.AppendInt(buf, v, 10)
		n++
		if len(buf) > 32<<10 {
			if _, err := e.Stdout.Write(buf); err != nil {
				return 1
			}
			buf = buf[:0]
		}
	}
	if n > 0 {
		buf = append(buf, '\n')
	}
	if _, err := e.Stdout.Write(buf); err != nil {
		return 1
	}
	return 0
}
