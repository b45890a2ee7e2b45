package sysutils

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/fileutils"
)

// Date prints the date: date [-uR] [-I[SPEC]] [-d DATE] [-r FILE] [+FORMAT].
// Setting the clock is not permitted in a container.
func Date(e *applet.Env) int {
	args := e.Args[1:]
	var format string
	var rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "+") && format == "" {
			format = a[1:]
			continue
		}
		rest = append(rest, a)
	}
	e.Args = append([]string{e.Args[0]}, rest...)
	o, operands, err := e.Getopt("uRI::d:r:D:s:", "utc=u", "rfc-2822=R", "iso-8601", "date=d:", "reference=r:")
	if err != nil {
		return 1
	}
	if len(operands) > 0 || o.Has("s") {
		return e.Fail("can't set date: Operation not permitted")
	}
	loc := e.Location()
	if o.Has("u") {
		loc = time.UTC
	}
	t := time.Now().In(loc)
	switch {
	case o.Has("d"):
		var ok bool
		if t, ok = fileutils.ParseDate(o.Get("d", ""), t); !ok {
			return e.Fail("invalid date '%s'", o.Get("d", ""))
		}
	case o.Has("r"):
		fi, err := os.Stat(e.Path(o.Get("r", "")))
		if err != nil {
			e.Perror(err, "can't stat '%s'", o.Get("r", ""))
			return 1
		}
		t = fi.ModTime().In(loc)
	}
	switch {
	case format != "":
	case o.Has("R"):
		format = "%a, %d %b %Y %H:%M:%S %z"
	case o.Has("I") || o.Has("iso-8601"):
		format = "%Y-%m-%d"
		switch o.Get("I", "") {
		case "hours":
			format += "T%H%:z"
		case "minutes":
			format += "T%H:%M%:z"
		case "seconds":
			format += "T%H:%M:%S%:z"
		}
	default:
		format = "%a %b %e %H:%M:%S %Z %Y"
	}
	fmt.Fprintln(e.Stdout, Strftime(format, t))
	return 0
}

// Strftime formats t as C's strftime does for the common conversions.
func Strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		c = format[i]
		pad := byte(0)
		if c == '-' || c == '_' || c == '0' {
			pad = c
			if i+1 == len(format) {
				break
			}
			i++
			c = format[i]
		}
		num := func(n, width int) {
			switch pad {
			case '-':
				fmt.Fprintf(&b, "%d", n)
			case '_':
				fmt.Fprintf(&b, "%*d", width, n)
			default:
				fmt.Fprintf(&b, "%0*d", width, n)
			}
		}
		switch c {
		case 'Y':
			num(t.Year(), 4)
		case 'C':
			num(t.Year()/100, 2)
		case 'y':
			num(t.Year()%100, 2)
		case 'm':
			num(int(t.Month()), 2)
		case 'd':
			num(t.Day(), 2)
		case 'e':
			if pad == 0 {
				pad = '_'
			}
			num(t.Day(), 2)
		case 'H':
			num(t.Hour(), 2)
		case 'I':
			num((t.Hour()+11)%12+1, 2)
		case 'M':
			num(t.Minute(), 2)
		case 'S':
			num(t.Second(), 2)
		case 'j':
			num(t.YearDay(), 3)
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'u':
			num((int(t.Weekday())+6)%7+1, 1)
		case 'w':
			num(int(t.Weekday()), 1)
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case ':':
			if strings.HasPrefix(format[i:], ":z") {
				b.WriteString(t.Format("-07:00"))
				i++
			} else {
				b.WriteString("%:")
			}
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 'r':
			b.WriteString(t.Format("03:04:05 PM"))
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'V':
			_, w := t.ISOWeek()
			num(w, 2)
		case 'G':
			y, _ := t.ISOWeek()
			num(y, 4)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(c)
		}
	}
	return b.String()
}
