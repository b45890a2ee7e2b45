package proxy

import (
	"errors"
	"io"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeSize is the capacity asked of the kernel pipe spliceUnix moves data
// through: about what one read of a unix socket returns (its send buffer
// is 208 KiB by default). The default 64 KiB would cost more splices.
const pipeSize = 256 << 10

// minPipeSize is the smallest pipe worth splicing through. An unprivileged
// user over fs.pipe-user-pages-soft gets two-page pipes and cannot grow
// them; a 256 KiB copy is faster than 8 KiB splices.
const minPipeSize = 64 << 10

// spliceUnix copies src to dst with splice(2) through a pipe when both are
// unix sockets, so the bytes never come up to user space. net does this
// by itself only when one end is a TCP connection. handled is false, and
// nothing was copied, when the ends are not both unix sockets or no pipe
// of minPipeSize could be made; the caller then copies. A splice returns
// what has arrived, as read(2) does, so an interactive stream is not held
// back.
func spliceUnix(dst io.Writer, src io.Reader) (n int64, handled bool, err error) {
	d, ok := dst.(*net.UnixConn)
	s, ok2 := src.(*net.UnixConn)
	if !ok || !ok2 {
		return 0, false, nil
	}
	rs, err := s.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	rd, err := d.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return 0, false, nil
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	size, err := unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, pipeSize)
	if err != nil {
		size, err = unix.FcntlInt(uintptr(p[1]), unix.F_GETPIPE_SZ, 0)
	}
	if err != nil || size < minPipeSize {
		return 0, false, nil
	}
	for {
		// The pipe is empty here, so EAGAIN means src has nothing yet.
		in, err := spliceOnce(rs.Read, func(fd int) (int, error) {
			m, err := unix.Splice(fd, nil, p[1], nil, size, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
			return int(m), err
		})
		if err != nil {
			return n, true, err
		}
		if in == 0 {
			return n, true, nil // EOF
		}
		for in > 0 {
			out, err := spliceOnce(rd.Write, func(fd int) (int, error) {
				m, err := unix.Splice(p[0], nil, fd, nil, in, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
				return int(m), err
			})
			if err != nil {
				return n, true, err
			}
			in -= out
			n += int64(out)
		}
	}
}

// spliceOnce runs op on the socket through wait (a [syscall.RawConn]'s
// Read or Write), which waits for the socket to be ready while op answers
// EAGAIN and returns the error of a closed connection or a deadline.
func spliceOnce(wait func(func(uintptr) bool) error, op func(fd int) (int, error)) (int, error) {
	var n int
	var opErr error
	err := wait(func(fd uintptr) bool {
		for {
			n, opErr = op(int(fd))
			if !errors.Is(opErr, syscall.EINTR) {
				break
			}
		}
		return !errors.Is(opErr, syscall.EAGAIN)
	})
	if err != nil {
		return 0, err
	}
	if opErr != nil {
		return 0, &net.OpError{Op: "splice", Net: "unix", Err: opErr}
	}
	return n, nil
}
