package fileutils

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Touch updates file times, creating missing files:
// touch [-cham] [-d DATE] [-t [[CC]YY]MMDDhhmm[.ss]] [-r FILE] FILE...
func Touch(e *applet.Env) int {
	o, args, err := e.Getopt("chamd:t:r:", "no-create=c", "date=d:", "reference=r:")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	now := time.Now().In(e.Location())
	when := now
	switch {
	case o.Has("r"):
		fi, err := os.Stat(e.Path(o.Get("r", "")))
		if err != nil {
			e.Perror(err, "%s", o.Get("r", ""))
			return 1
		}
		when = fi.ModTime()
	case o.Has("d"):
		t, ok := ParseDate(o.Get("d", ""), now)
		if !ok {
			return e.Fail("invalid date '%s'", o.Get("d", ""))
		}
		when = t
	case o.Has("t"):
		t, ok := parseStamp(o.Get("t", ""), now)
		if !ok {
			return e.Fail("invalid date '%s'", o.Get("t", ""))
		}
		when = t
	}
	status := 0
	for _, a := range args {
		err := os.Chtimes(e.Path(a), when, when)
		if errors.Is(err, fs.ErrNotExist) && !o.Has("c") {
			var f *os.File
			f, err = os.OpenFile(e.Path(a), os.O_WRONLY|os.O_CREATE, 0o666)
			if err == nil {
				f.Close()
				err = os.Chtimes(e.Path(a), when, when)
			}
		} else if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		if err != nil {
			e.Perror(err, "%s", a)
			status = 1
		}
	}
	return status
}

// ParseDate parses, in now's time zone, the date forms busybox accepts for
// -d: "@EPOCH",
// "YYYY-MM-DD[ hh:mm[:ss]]", "YYYY-MM-DDThh:mm[:ss]", "hh:mm[:ss]" (today)
// and "MM/DD/YYYY".
func ParseDate(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return time.Unix(n, 0).In(now.Location()), err == nil
	}
	layouts := []string{
		"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
		"2006-01-02", "01/02/2006", "2006.01.02-15:04:05", "2006.01.02-15:04",
		"Mon Jan _2 15:04:05 MST 2006", "Mon Jan _2 15:04:05 2006",
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, now.Location()); err == nil {
			return t, true
		}
	}
	for _, l := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(l, s, now.Location()); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, now.Location()), true
		}
	}
	return time.Time{}, false
}

// parseStamp parses touch -t's [[CC]YY]MMDDhhmm[.ss].
func parseStamp(s string, now time.Time) (time.Time, bool) {
	sec := "00"
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, sec = s[:i], s[i+1:]
	}
	switch len(s) {
	case 8:
		s = strconv.Itoa(now.Year()) + s
	case 10:
		s = "20" + s
	case 12:
	default:
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("200601021504.05", s+"."+sec, now.Location())
	return t, err == nil
}
