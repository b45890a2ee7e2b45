// Package unixsock opens the unix sockets the daemons serve on. A socket
// appears at its path already carrying its final mode: it is bound under a
// temporary name in the same directory, chmod-ed, then renamed into place,
// so no client can connect through a wider mode in between (a chmod after
// bind leaves that window open, and depends on the umask).
package unixsock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maxPath is the longest socket path the kernel takes (sun_path is 108
// bytes with the trailing NUL).
const maxPath = 107

// Listen listens on the unix socket path with the given mode, making its
// directory (mode 0755) if needed. A stale socket left by a dead daemon is
// replaced; a socket something still answers on, or a file that is not a
// socket, is refused. Closing the listener removes the socket, unless
// another daemon has since replaced it.
func Listen(ctx context.Context, path string, mode fs.FileMode) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := removeStale(ctx, path); err != nil {
		return nil, err
	}
	tmp, err := tempName(path)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "unix", tmp)
	if err != nil {
		return nil, err
	}
	ul := l.(*net.UnixListener)
	ul.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, mode); err != nil {
		ul.Close()
		os.Remove(tmp)
		return nil, err
	}
	if tmp != path {
		if err := os.Rename(tmp, path); err != nil {
			ul.Close()
			os.Remove(tmp)
			return nil, err
		}
	}
	fi, err := os.Lstat(path)
	if err != nil {
		ul.Close()
		return nil, err
	}
	return &listener{UnixListener: ul, path: path, fi: fi}, nil
}

// removeStale clears path for a new socket.
func removeStale(ctx context.Context, path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Mode().Type() != fs.ModeSocket:
		return fmt.Errorf("listen unix://%s: file exists and is not a socket", path)
	}
	d := net.Dialer{Timeout: time.Second}
	if c, err := d.DialContext(ctx, "unix", path); err == nil {
		c.Close()
		return fmt.Errorf("listen unix://%s: another daemon is listening on it", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// tempName is a fresh name beside path. When it would not fit in a socket
// address but path does, the socket is bound at path itself: the chmod
// window is the lesser evil than refusing a valid path.
func tempName(path string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tmp := filepath.Join(filepath.Dir(path), ".sock-"+hex.EncodeToString(b))
	if len(tmp) > maxPath && len(path) <= maxPath {
		return path, nil
	}
	return tmp, nil
}

// listener removes its socket on Close if the socket is still its own.
type listener struct {
	*net.UnixListener
	path string
	fi   fs.FileInfo
	once sync.Once
}

func (l *listener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() {
		if fi, serr := os.Lstat(l.path); serr == nil && os.SameFile(fi, l.fi) {
			if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
				err = rerr
			}
		}
	})
	return err
}
