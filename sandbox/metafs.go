package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"
)

// metaDir is where applets ask for the file metadata WASI preview1 cannot
// carry (permission bits and owners); the protocol is documented with
// MetaDir in sandbox/applets/internal/applet/meta.go:
//
//	read  /proc/sockerless/stat/P   "MODE UID GID\n" (octal st_mode), following a final symlink
//	read  /proc/sockerless/lstat/P  the same without following it
//	write /proc/sockerless/chmod/P  "PERM\n" (octal, with set-id and sticky bits)
//	write /proc/sockerless/chown/P  "UID GID\n" (-1 keeps one)
//
// The root itself is KIND.root (stat.root, lstat.root, ...): WASI drops the
// trailing slash of /proc/sockerless/stat/.
//
// P is a container path, resolved inside the root and mounts like any
// other: the protocol can never name a host file outside them.
const metaDir = "/proc/sockerless"

var metaKinds = []string{"chmod", "chown", "lstat", "stat"}

// openMeta opens the metadata file at the container path cpath, or
// reports ok false when cpath is not below metaDir.
func (w *wasiFS) openMeta(cpath string, flag experimentalsys.Oflag) (f experimentalsys.File, errno experimentalsys.Errno, ok bool) {
	if cpath == metaDir {
		ents := make([]experimentalsys.Dirent, 0, len(metaKinds))
		for _, k := range metaKinds {
			ents = append(ents, experimentalsys.Dirent{Name: k, Type: fs.ModeDir})
		}
		return &procDir{ents: ents}, 0, true
	}
	rest, found := strings.CutPrefix(cpath, metaDir+"/")
	if !found {
		return nil, 0, false
	}
	kind, p, hasPath := strings.Cut(rest, "/")
	if k, ok := strings.CutSuffix(kind, ".root"); ok && !hasPath {
		kind, p, hasPath = k, "", true // the root: KIND/ would lose its slash
	}
	if !slices.Contains(metaKinds, kind) {
		return nil, experimentalsys.ENOENT, true
	}
	if !hasPath {
		return &procDir{}, 0, true // the kind's directory, listed empty
	}
	p = "/" + p
	write := flag&writeFlags != 0
	switch kind {
	case "stat", "lstat":
		if write {
			return nil, experimentalsys.EACCES, true
		}
		res, err := w.fs.Resolve(p, kind == "stat")
		if err != nil {
			return nil, experimentalsys.UnwrapOSError(err), true
		}
		var st syscall.Stat_t
		if err := syscall.Lstat(res.Host, &st); err != nil {
			return nil, experimentalsys.UnwrapOSError(err), true
		}
		return &procFile{data: fmt.Appendf(nil, "%o %d %d\n", st.Mode, st.Uid, st.Gid)}, 0, true
	case "chmod", "chown":
		// chmod follows a final symlink, as chmod(2); chown does not,
		// as lchown(2): the applets resolve links themselves.
		res, err := w.fs.Resolve(p, kind == "chmod")
		if err != nil {
			return nil, experimentalsys.UnwrapOSError(err), true
		}
		if res.ReadOnly {
			return nil, experimentalsys.EROFS, true
		}
		if _, err := os.Lstat(res.Host); err != nil {
			return nil, experimentalsys.UnwrapOSError(err), true
		}
		return &metaWriter{kind: kind, host: res.Host}, 0, true
	}
	return nil, experimentalsys.ENOENT, true
}

// metaWriter applies one chmod or chown request per write.
type metaWriter struct {
	experimentalsys.UnimplementedFile
	kind, host string
}

func (m *metaWriter) IsDir() (bool, experimentalsys.Errno) { return false, 0 }

func (m *metaWriter) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: 0o222, Nlink: 1}, 0
}

func (m *metaWriter) Close() experimentalsys.Errno { return 0 }

// Write parses and applies the request in b, which must be whole.
func (m *metaWriter) Write(b []byte) (int, experimentalsys.Errno) {
	f := strings.Fields(string(b))
	var err error
	switch {
	case m.kind == "chmod" && len(f) == 1:
		bits, perr := strconv.ParseUint(f[0], 8, 32)
		if perr != nil || bits > 0o7777 {
			return 0, experimentalsys.EINVAL
		}
		err = os.Chmod(m.host, toFileMode(uint32(bits)))
	case m.kind == "chown" && len(f) == 2:
		uid, err1 := strconv.Atoi(f[0])
		gid, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || uid < -1 || gid < -1 {
			return 0, experimentalsys.EINVAL
		}
		err = os.Lchown(m.host, uid, gid)
	default:
		return 0, experimentalsys.EINVAL
	}
	if err != nil {
		return 0, experimentalsys.UnwrapOSError(err)
	}
	return len(b), 0
}
