package applet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// MetaDir is where the sandbox runtime serves the file metadata WASI
// preview1 cannot express (permission bits and owners):
//
//   - reading MetaDir+"/stat"+P (or "/lstat"+P, which does not follow a
//     final symlink) gives "MODE UID GID\n" for the container path P, MODE
//     being the octal st_mode (type and permission bits, e.g. 100755);
//   - writing "PERM\n" (octal, with set-id and sticky bits) to
//     MetaDir+"/chmod"+P changes P's permissions;
//   - writing "UID GID\n" to MetaDir+"/chown"+P changes its owner (-1 keeps
//     one of them).
//
// The root itself is MetaDir+"/stat.root" (and lstat.root, chmod.root,
// chown.root).
//
// When the runtime does not serve MetaDir, applets fall back to what WASI
// reports (0600 files, 0700 directories, owner 0) and cannot change modes.
const MetaDir = "/proc/sockerless"

// metaInfo is a FileInfo with the mode and owner the runtime reported.
type metaInfo struct {
	fs.FileInfo
	mode     fs.FileMode
	uid, gid int
}

// Mode returns the mode the runtime reported.
func (m metaInfo) Mode() fs.FileMode { return m.mode }

// metaEnabled reports whether applets ask the runtime for metadata: only
// inside WASI; on the host the os package already has it.
func metaEnabled() bool { return runtime.GOOS == "wasip1" }

// metaPath is the runtime's file for kind ("stat", "lstat", "chmod",
// "chown") of name. The root is KIND.root: WASI cleans the trailing
// slash of MetaDir/KIND/, which would name the kind's directory.
func (e *Env) metaPath(kind, name string) string {
	if p := e.absPath(name); p != "/" {
		return MetaDir + "/" + kind + p
	}
	return MetaDir + "/" + kind + ".root"
}

// absPath returns the absolute container path of name.
func (e *Env) absPath(name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	return path.Join(e.Cwd(), name)
}

// Stat is os.Stat with the real permission bits and owner when the runtime
// provides them (see [MetaDir]).
func (e *Env) Stat(name string) (fs.FileInfo, error) {
	fi, err := os.Stat(e.Path(name))
	if err != nil || !metaEnabled() {
		return fi, err
	}
	return e.withMeta(fi, "stat", name), nil
}

// Lstat is os.Lstat with the real permission bits and owner when the
// runtime provides them.
func (e *Env) Lstat(name string) (fs.FileInfo, error) {
	fi, err := os.Lstat(e.Path(name))
	if err != nil || !metaEnabled() {
		return fi, err
	}
	return e.withMeta(fi, "lstat", name), nil
}

func (e *Env) withMeta(fi fs.FileInfo, kind, name string) fs.FileInfo {
	b, err := os.ReadFile(e.metaPath(kind, name))
	if err != nil {
		return fi
	}
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return fi
	}
	mode, err1 := strconv.ParseUint(f[0], 8, 32)
	uid, err2 := strconv.Atoi(f[1])
	gid, err3 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return fi
	}
	return metaInfo{FileInfo: fi, mode: metaType(fi.Mode().Type(), uint32(mode)) | FileMode(uint32(mode)&0o7777), uid: uid, gid: gid}
}

// metaType is the file type of st_mode when it is one WASI reports as a
// regular file (sockets, fifos, devices), else typ.
func metaType(typ fs.FileMode, stMode uint32) fs.FileMode {
	switch stMode & 0o170000 {
	case 0o140000:
		return fs.ModeSocket
	case 0o010000:
		return fs.ModeNamedPipe
	case 0o020000:
		return fs.ModeDevice | fs.ModeCharDevice
	case 0o060000:
		return fs.ModeDevice
	}
	return typ
}

// Chmod changes the permissions of name. Inside WASI it asks the runtime
// (see [MetaDir]) and fails with ErrUnsupported when the runtime does not
// offer it.
func (e *Env) Chmod(name string, mode fs.FileMode) error {
	if !metaEnabled() {
		return os.Chmod(e.Path(name), mode)
	}
	return e.writeMeta("chmod", name, fmt.Sprintf("%o\n", UnixMode(mode)))
}

// Chown changes the owner of name (-1 keeps a value), through the runtime
// inside WASI.
func (e *Env) Chown(name string, uid, gid int) error {
	if !metaEnabled() {
		return os.Lchown(e.Path(name), uid, gid)
	}
	return e.writeMeta("chown", name, fmt.Sprintf("%d %d\n", uid, gid))
}

func (e *Env) writeMeta(kind, name, body string) error {
	f, err := os.OpenFile(e.metaPath(kind, name), os.O_WRONLY, 0)
	if err != nil {
		return &fs.PathError{Op: kind, Path: name, Err: errors.ErrUnsupported}
	}
	_, err = f.WriteString(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SameFile is os.SameFile for FileInfos from [Env.Stat] and [Env.Lstat].
func SameFile(a, b fs.FileInfo) bool {
	if m, ok := a.(metaInfo); ok {
		a = m.FileInfo
	}
	if m, ok := b.(metaInfo); ok {
		b = m.FileInfo
	}
	return os.SameFile(a, b)
}
