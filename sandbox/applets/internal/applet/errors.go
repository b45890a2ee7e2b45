package applet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// Errorf prints "applet: message" on standard error, as busybox's bb_error_msg.
func (e *Env) Errorf(format string, args ...any) {
	e.Flush()
	fmt.Fprintf(e.Stderr, "%s: %s\n", e.Name(), fmt.Sprintf(format, args...))
}

// Perror prints "applet: message: strerror(err)", as busybox's bb_perror_msg.
func (e *Env) Perror(err error, format string, args ...any) {
	e.Errorf("%s: %s", fmt.Sprintf(format, args...), Strerror(err))
}

// Fail prints like [Env.Errorf] and returns exit status 1.
func (e *Env) Fail(format string, args ...any) int {
	e.Errorf(format, args...)
	return 1
}

// strerrors are the C library's texts for the errors applets meet; Go's own
// texts are lower case and sometimes worded differently.
func strerrorText(errno syscall.Errno) string {
	switch errno {
	case syscall.ENOENT:
		return "No such file or directory"
	case syscall.EEXIST:
		return "File exists"
	case syscall.ENOTDIR:
		return "Not a directory"
	case syscall.EISDIR:
		return "Is a directory"
	case syscall.EACCES:
		return "Permission denied"
	case syscall.EPERM:
		return "Operation not permitted"
	case syscall.ENOTEMPTY:
		return "Directory not empty"
	case syscall.EINVAL:
		return "Invalid argument"
	case syscall.EXDEV:
		return "Invalid cross-device link"
	case syscall.EROFS:
		return "Read-only file system"
	case syscall.ENOSPC:
		return "No space left on device"
	case syscall.ELOOP:
		return "Symbolic link loop"
	case syscall.ENAMETOOLONG:
		return "File name too long"
	case syscall.EBADF:
		return "Bad file descriptor"
	case syscall.ENOSYS:
		return "Function not implemented"
	case syscall.ENOTSUP:
		return "Not supported"
	case syscall.ESRCH:
		return "No such process"
	case syscall.EBUSY:
		return "Resource busy"
	}
	return capitalize(errno.Error())
}

// Strerror returns the C library's text for err (the part after the last
// colon in busybox messages).
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return strerrorText(errno)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return capitalize(pe.Err.Error())
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return capitalize(le.Err.Error())
	}
	return err.Error()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ShowUsage prints the usage text on standard error, as busybox does for a
// bad command line, and returns exit status 1.
func (e *Env) ShowUsage() int {
	e.Flush()
	if e.Usage != "" {
		fmt.Fprintf(e.Stderr, "Usage: %s %s\n", e.Name(), e.Usage)
	} else {
		fmt.Fprintf(e.Stderr, "%s: bad usage\n", e.Name())
	}
	return 1
}
