package engine

import (
	"path"
	"slices"
	"strings"

	"github.com/sockerless/sockerless/api/driver"
)

// withoutMounted drops /etc/hosts, /etc/hostname and /etc/resolv.conf,
// which dockerd bind-mounts into a container so that they never show in
// `docker diff` nor reach a committed or built layer, and /etc itself when they were its only change.
func withoutMounted(changes []driver.Change) []driver.Change {
	mounted := func(p string) bool {
		switch path.Clean("/" + p) {
		case "/etc/hosts", "/etc/hostname", "/etc/resolv.conf":
			return true
		}
		return false
	}
	etcOther := false
	out := changes[:0:0]
	for _, ch := range changes {
		p := path.Clean("/" + ch.Path)
		if mounted(p) {
			continue
		}
		if strings.HasPrefix(p, "/etc/") {
			etcOther = true
		}
		out = append(out, ch)
	}
	return slices.DeleteFunc(out, func(ch driver.Change) bool {
		return path.Clean("/"+ch.Path) == "/etc" && ch.Kind == 0 && !etcOther
	})
}
