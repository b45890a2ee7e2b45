package sandbox

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"
)

// procfs serves a minimal /proc to applets: one directory per process of
// the container with cmdline and status (what ps reads), and /proc/self.
// Other /proc paths come from the root (the skeleton writes a few).
type procfs struct {
	c    *Container
	self *Process
}

// split parses a container path below /proc into a PID (0 for /proc
// itself) and the rest; ok is false for paths it does not serve.
func (pf procfs) split(cpath string) (pid int, rest string, ok bool) {
	if cpath == "/proc" {
		return 0, "", true
	}
	after, found := strings.CutPrefix(cpath, "/proc/")
	if !found {
		return 0, "", false
	}
	first, rest, _ := strings.Cut(after, "/")
	if first == "self" && pf.self != nil {
		return pf.self.pid, rest, true
	}
	n, err := strconv.Atoi(first)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, rest, true
}

// open returns the virtual file at cpath, or ok false to fall through.
func (pf procfs) open(cpath string) (experimentalsys.File, experimentalsys.Errno, bool) {
	pid, rest, ok := pf.split(cpath)
	if !ok {
		return nil, 0, false
	}
	if pid == 0 {
		var ents []experimentalsys.Dirent
		for _, p := range pf.c.Processes() {
			ents = append(ents, experimentalsys.Dirent{Name: strconv.Itoa(p.PID), Type: fs.ModeDir})
		}
		if pf.self != nil {
			ents = append(ents, experimentalsys.Dirent{Name: "self", Type: fs.ModeDir})
		}
		return &procDir{ents: ents}, 0, true
	}
	p, found := pf.c.process(pid)
	if !found {
		return nil, experimentalsys.ENOENT, true
	}
	switch rest {
	case "":
		return &procDir{ents: []experimentalsys.Dirent{{Name: "cmdline"}, {Name: "status"}, {Name: "comm"}}}, 0, true
	case "cmdline":
		return &procFile{data: []byte(strings.Join(p.args, "\x00") + "\x00")}, 0, true
	case "comm":
		return &procFile{data: []byte(comm(p) + "\n")}, 0, true
	case "status":
		return &procFile{data: []byte(status(p))}, 0, true
	}
	if pid == pf.self.pidOrZero() {
		return nil, 0, false // /proc/self/cgroup and the like: from the root
	}
	return nil, experimentalsys.ENOENT, true
}

func (p *Process) pidOrZero() int {
	if p == nil {
		return 0
	}
	return p.pid
}

// comm is the process's command name.
func comm(p *Process) string {
	name := p.args[0]
	return name[strings.LastIndexByte(name, '/')+1:]
}

// status is /proc/PID/status with the fields ps and scripts read.
func status(p *Process) string {
	return fmt.Sprintf("Name:\t%s\nState:\tS (sleeping)\nPid:\t%d\nPPid:\t%d\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nVmRSS:\t%d kB\n",
		comm(p), p.pid, p.ppid, p.user.uid, p.user.uid, p.user.uid, p.user.uid,
		p.user.gid, p.user.gid, p.user.gid, p.user.gid, p.mem.Load()>>10)
}

// procDir is a virtual directory.
type procDir struct {
	experimentalsys.UnimplementedFile
	ents []experimentalsys.Dirent
	read bool
}

func (d *procDir) IsDir() (bool, experimentalsys.Errno) { return true, 0 }

func (d *procDir) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: fs.ModeDir | 0o555, Nlink: 2}, 0
}

// Readdir returns every entry once; wazero caches them.
func (d *procDir) Readdir(n int) ([]experimentalsys.Dirent, experimentalsys.Errno) {
	if d.read {
		return nil, 0
	}
	d.read = true
	return d.ents, 0
}

func (d *procDir) Close() experimentalsys.Errno { return 0 }

// procFile is a virtual read-only file.
type procFile struct {
	experimentalsys.UnimplementedFile
	data []byte
	off  int
}

func (f *procFile) IsDir() (bool, experimentalsys.Errno) { return false, 0 }

func (f *procFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: 0o444, Nlink: 1, Size: int64(len(f.data))}, 0
}

func (f *procFile) Read(b []byte) (int, experimentalsys.Errno) {
	n := copy(b, f.data[f.off:])
	f.off += n
	return n, 0
}

func (f *procFile) Close() experimentalsys.Errno { return 0 }
