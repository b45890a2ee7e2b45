package proc

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
)

// drainGrace is how long output pipes may stay idle after a process exits
// before they are closed: a background child that keeps them open does not
// hold the session forever (os/exec's WaitDelay).
const drainGrace = 500 * time.Millisecond

// pump copies f to w until EOF. After exited is closed, it stops once f has
// been idle for drainGrace.
func pump(f *os.File, w io.Writer, exited <-chan struct{}) error {
	buf := make([]byte, 128<<10)
	for {
		select {
		case <-exited:
			_ = f.SetReadDeadline(time.Now().Add(drainGrace))
		default:
		}
		n, err := f.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err != nil {
			// EIO is how a PTY master reports that the slave side closed.
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.EIO) || errors.Is(err, os.ErrDeadlineExceeded) {
				return nil
			}
			return err
		}
	}
}

// whenExited closes exited and wakes blocked pumps once ws has delivered.
func whenExited(ws <-chan syscall.WaitStatus, files ...*os.File) (<-chan struct{}, func() syscall.WaitStatus) {
	exited := make(chan struct{})
	var status syscall.WaitStatus
	go func() {
		status = <-ws
		close(exited)
		for _, f := range files {
			if f != nil {
				_ = f.SetReadDeadline(time.Now().Add(drainGrace))
			}
		}
	}()
	return exited, func() syscall.WaitStatus { <-exited; return status }
}
