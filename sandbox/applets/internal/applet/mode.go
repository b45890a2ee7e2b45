package applet

import (
	"fmt"
	"io/fs"
)

// ModeString renders m as ls -l does: "-rwxr-xr-x", "drwxr-xr-x",
// "lrwxrwxrwx", with s/S, t/T for the set-id and sticky bits.
func ModeString(m fs.FileMode) string {
	b := []byte("?rwxrwxrwx")
	switch {
	case m.IsRegular():
		b[0] = '-'
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	}
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	special := func(pos int, set bool, on, off byte) {
		if !set {
			return
		}
		if b[pos] == 'x' {
			b[pos] = on
		} else {
			b[pos] = off
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}

// UnixMode returns m's permission bits in the Unix layout (07777).
func UnixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		u |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		u |= 0o1000
	}
	return u
}

// FileMode converts Unix permission bits (07777) to an fs.FileMode.
func FileMode(u uint32) fs.FileMode {
	m := fs.FileMode(u & 0o777)
	if u&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if u&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if u&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// HumanSize renders n as busybox's make_human_readable_str(n, 1, 0): "999",
// "1.0K", "12M".
func HumanSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d", n)
	}
	units := "KMGTPE"
	v := float64(n)
	i := -1
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%c", v, units[i])
	}
	return fmt.Sprintf("%.0f%c", v, units[i])
}
