package find

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// cmpNum parses "+N", "-N" or "N" and returns a comparison against N.
func cmpNum(s string) (func(v int64) bool, error) {
	mode := byte(0)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		mode, s = s[0], s[1:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("invalid argument '%s'", s)
	}
	switch mode {
	case '+':
		return func(v int64) bool { return v > n }, nil
	case '-':
		return func(v int64) bool { return v < n }, nil
	}
	return func(v int64) bool { return v == n }, nil
}

// primary2 parses the size and time tests.
func (p *exprParser) primary2(a string) (*node, error) {
	switch a {
	case "-size":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		unit := int64(512)
		if k := strings.IndexAny(v, "cwbkMG"); k == len(v)-1 {
			unit = map[byte]int64{'c': 1, 'w': 2, 'b': 512, 'k': 1024, 'M': 1 << 20, 'G': 1 << 30}[v[k]]
			v = v[:k]
		}
		if _, err := cmpNum(v); err != nil {
			return nil, err
		}
		// busybox compares the size in bytes with N units (GNU rounds up).
		return leaf(func(_ *finder, e entry) bool { return cmpScaled(v, e.info.Size(), unit) }), nil
	case "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		cmp, err := cmpNum(v)
		if err != nil {
			return nil, err
		}
		unit := int64(86400)
		if strings.HasSuffix(a, "min") {
			unit = 60
		}
		now := p.now
		return leaf(func(_ *finder, e entry) bool {
			age := now.Unix() - e.info.ModTime().Unix()
			if unit == 60 {
				return cmp((age + 59) / 60)
			}
			return cmp(age / unit)
		}), nil
	case "-newer":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		ref, err := os.Stat(p.e.Path(v))
		if err != nil {
			return nil, fmt.Errorf("%s: %s", v, applet.Strerror(err))
		}
		return leaf(func(_ *finder, e entry) bool { return e.info.ModTime().After(ref.ModTime()) }), nil
	}
	return p.metadata(a)
}

// metadata parses the tests on modes, emptiness, links and owners.
func (p *exprParser) metadata(a string) (*node, error) {
	switch a {
	case "-perm", "-user", "-group", "-uid", "-gid":
		p.opts.meta = true
	}
	switch a {
	case "-perm":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		mode := byte(0)
		if v != "" && (v[0] == '-' || v[0] == '/' || v[0] == '+') {
			mode, v = v[0], v[1:]
		}
		want, err := strconv.ParseUint(v, 8, 32)
		if err != nil {
			return nil, fmt.Errorf("invalid mode '%s'", v)
		}
		w := uint32(want)
		return leaf(func(_ *finder, e entry) bool {
			m := applet.UnixMode(e.info.Mode())
			switch mode {
			case '-':
				return m&w == w
			case '/', '+':
				return w == 0 || m&w != 0
			}
			return m == w
		}), nil
	case "-empty":
		return leaf(func(f *finder, e entry) bool {
			if e.info.IsDir() {
				ents, err := os.ReadDir(f.e.Path(e.name))
				return err == nil && len(ents) == 0
			}
			return e.info.Mode().IsRegular() && e.info.Size() == 0
		}), nil
	case "-links", "-inum", "-uid", "-gid":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		cmp, err := cmpNum(v)
		if err != nil {
			return nil, err
		}
		return leaf(func(_ *finder, e entry) bool {
			uid, gid := applet.Owner(e.info)
			switch a {
			case "-links":
				return cmp(int64(applet.Nlink(e.info)))
			case "-inum":
				return cmp(int64(applet.Ino(e.info)))
			case "-uid":
				return cmp(int64(uid))
			}
			return cmp(int64(gid))
		}), nil
	case "-user", "-group":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		ids := applet.LoadIDNames()
		return leaf(func(_ *finder, e entry) bool {
			uid, gid := applet.Owner(e.info)
			if a == "-user" {
				return ids.User(uid) == v || strconv.Itoa(uid) == v
			}
			return ids.Group(gid) == v || strconv.Itoa(gid) == v
		}), nil
	case "-nouser", "-nogroup":
		return leaf(func(*finder, entry) bool { return false }), nil
	}
	return p.action(a)
}

// action parses the actions.
func (p *exprParser) action(a string) (*node, error) {
	var n *node
	switch a {
	case "-print":
		n = leaf(func(f *finder, e entry) bool { f.output(e.name + "\n"); return true })
	case "-print0":
		n = leaf(func(f *finder, e entry) bool { f.output(e.name + "\x00"); return true })
	case "-printf", "-fprintf":
		format, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		n = leaf(func(f *finder, e entry) bool { f.output(printf(format, e)); return true })
	case "-delete":
		p.opts.depthFirst = true
		n = leaf(func(f *finder, e entry) bool {
			if e.name == "." {
				return true
			}
			if err := os.Remove(f.e.Path(e.name)); err != nil {
				f.e.Perror(err, "%s", e.name)
				f.failed = true
				return false
			}
			return true
		})
	case "-prune":
		return leaf(func(f *finder, e entry) bool { f.pruned = true; return true }), nil
	case "-quit":
		n = leaf(func(f *finder, e entry) bool { f.quit = true; return true })
	case "-sockerless-exec":
		v, err := p.arg(a)
		if err != nil {
			return nil, err
		}
		p.opts.records = true
		n = leaf(func(f *finder, e entry) bool { f.record('x', v+" "+e.name); return true })
	case "-exec", "-execdir", "-ok", "-okdir":
		return nil, fmt.Errorf("%s needs the sandbox shell to run commands", a)
	default:
		return nil, fmt.Errorf("unrecognized: %s", a)
	}
	n.act = true
	return n, nil
}

// printf expands find -printf directives.
func printf(format string, e entry) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '\\' && i+1 < len(format):
			i++
			switch format[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			case '\\':
				b.WriteByte('\\')
			default:
				b.WriteByte('\\')
				b.WriteByte(format[i])
			}
		case c == '%' && i+1 < len(format):
			i++
			switch format[i] {
			case 'p':
				b.WriteString(e.name)
			case 'f':
				b.WriteString(e.base())
			case 'h':
				d := e.name[:max(strings.LastIndexByte(e.name, '/'), 0)]
				if !strings.Contains(e.name, "/") {
					d = "."
				}
				b.WriteString(d)
			case 'P':
				b.WriteString(strings.TrimPrefix(strings.TrimPrefix(e.name, e.root), "/"))
			case 's':
				fmt.Fprintf(&b, "%d", e.info.Size())
			case 'm':
				fmt.Fprintf(&b, "%o", applet.UnixMode(e.info.Mode()))
			case 'd':
				fmt.Fprintf(&b, "%d", e.depth)
			case 'y':
				b.WriteString(typeLetter(e.info.Mode()))
			case 'T', 't':
				b.WriteString(e.info.ModTime().Format("Mon Jan _2 15:04:05 2006"))
			case '%':
				b.WriteByte('%')
			default:
				b.WriteByte('%')
				b.WriteByte(format[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// cmpScaled applies a -size comparison the way busybox does: the file size
// in bytes against N*unit.
func cmpScaled(spec string, size, unit int64) bool {
	mode := byte(0)
	if spec != "" && (spec[0] == '+' || spec[0] == '-') {
		mode, spec = spec[0], spec[1:]
	}
	n, _ := strconv.ParseInt(spec, 10, 64)
	switch mode {
	case '+':
		return size > n*unit
	case '-':
		return size < n*unit
	}
	return size == n*unit
}
