package fileutils

import (
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// statDefault is busybox's stat output without -c.
const statDefault = "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n" +
	"Device: %Dh/%dd\tInode: %-10i  Links: %h\n" +
	"Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n" +
	"Access: %x\nModify: %y\nChange: %z\n"

// Stat prints file status: stat [-L] [-c FMT] FILE...
func Stat(e *applet.Env) int {
	o, args, err := e.Getopt("Lc:ft", "dereference=L", "format=c:")
	if err != nil {
		return 1
	}
	if len(args) == 0 {
		return e.ShowUsage()
	}
	if o.Has("f") {
		return e.Fail("file system status is not available in the sandbox (WASI has no statfs)")
	}
	format, nl := statDefault, ""
	if o.Has("c") {
		format, nl = o.Get("c", ""), "\n"
	}
	status := 0
	ids := applet.LoadIDNames()
	for _, a := range args {
		stat := e.Lstat
		if o.Has("L") {
			stat = e.Stat
		}
		fi, err := stat(a)
		if err != nil {
			e.Perror(err, "can't stat '%s'", a)
			status = 1
			continue
		}
		fmt.Fprint(e.Stdout, statFormat(e, format, a, fi, ids)+nl)
	}
	return status
}

// statFormat expands the %-directives of stat -c.
func statFormat(e *applet.Env, format, name string, fi fs.FileInfo, ids *applet.IDNames) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		if j == len(format) {
			b.WriteString(format[i:])
			break
		}
		flags, verb := format[i+1:j], format[j]
		i = j
		s, numeric := statField(e, verb, name, fi, ids)
		if flags == "" {
			b.WriteString(s)
			continue
		}
		if numeric {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				fmt.Fprintf(&b, "%"+flags+"d", n)
				continue
			}
		}
		fmt.Fprintf(&b, "%"+flags+"s", s)
	}
	return b.String()
}

func statField(e *applet.Env, verb byte, name string, fi fs.FileInfo, ids *applet.IDNames) (string, bool) {
	uid, gid := applet.Owner(fi)
	blocks := (fi.Size() + 4095) / 4096 * 8
	mt := fi.ModTime().In(e.Location()).Format("2006-01-02 15:04:05.000000000 -0700")
	switch verb {
	case 'n':
		return name, false
	case 'N':
		if fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(e.Path(name)); err == nil {
				return "'" + name + "' -> '" + t + "'", false
			}
		}
		return name, false
	case 's':
		return strconv.FormatInt(fi.Size(), 10), true
	case 'a':
		return strconv.FormatUint(uint64(applet.UnixMode(fi.Mode())), 8), true
	case 'A':
		return applet.ModeString(fi.Mode()), false
	case 'f':
		return strconv.FormatUint(uint64(applet.UnixMode(fi.Mode())|typeBits(fi.Mode())), 16), false
	case 'F':
		return fileType(fi), false
	case 'u':
		return strconv.Itoa(uid), true
	case 'U':
		return ids.User(uid), false
	case 'g':
		return strconv.Itoa(gid), true
	case 'G':
		return ids.Group(gid), false
	case 'i':
		return strconv.FormatUint(applet.Ino(fi), 10), true
	case 'h':
		return strconv.FormatUint(applet.Nlink(fi), 10), true
	case 'b':
		return strconv.FormatInt(blocks, 10), true
	case 'B':
		return "512", true
	case 'o':
		return "4096", true
	case 'd':
		return strconv.FormatUint(applet.Dev(fi), 10), true
	case 'D':
		return strconv.FormatUint(applet.Dev(fi), 16), false
	case 'x', 'y', 'z':
		return mt, false
	case 'X', 'Y', 'Z':
		return strconv.FormatInt(fi.ModTime().Unix(), 10), true
	case '%':
		return "%", false
	}
	return "?", false
}

func typeBits(m fs.FileMode) uint32 {
	switch {
	case m.IsDir():
		return 0o040000
	case m&fs.ModeSymlink != 0:
		return 0o120000
	case m&fs.ModeNamedPipe != 0:
		return 0o010000
	case m&fs.ModeSocket != 0:
		return 0o140000
	case m&fs.ModeCharDevice != 0:
		return 0o020000
	case m&fs.ModeDevice != 0:
		return 0o060000
	}
	return 0o100000
}

func fileType(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsRegular() && fi.Size() == 0:
		return "regular empty file"
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character special file"
	case m&fs.ModeDevice != 0:
		return "block special file"
	}
	return "weird file"
}
