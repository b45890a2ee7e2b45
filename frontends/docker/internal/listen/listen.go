// Package listen opens the sockets the frontend serves the Docker Engine
// API on, as dockerd's -H/--host does: unix:///path and tcp://host:port,
// with TLS and client-certificate verification on TCP
// (https://docs.docker.com/engine/security/protect-access/).
package listen

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SocketMode is the mode of unix sockets, as dockerd's (owner and group).
const SocketMode = 0o660

// Addr is a parsed --listen value.
type Addr struct {
	// Network is "unix" or "tcp".
	Network string
	// Address is the socket path or host:port.
	Address string
}

// String is the address as given on the command line.
func (a Addr) String() string {
	if a.Network == "unix" {
		return "unix://" + a.Address
	}
	return "tcp://" + a.Address
}

// Parse parses unix:///path or tcp://host:port.
func Parse(s string) (Addr, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return Addr{}, fmt.Errorf("listen address %q: want unix:///path or tcp://host:port", s)
	}
	switch scheme {
	case "unix":
		if rest == "" || !filepath.IsAbs(rest) {
			return Addr{}, fmt.Errorf("listen address %q: want an absolute socket path", s)
		}
		return Addr{Network: "unix", Address: filepath.Clean(rest)}, nil
	case "tcp":
		u, err := url.Parse("tcp://" + rest)
		if err != nil || u.Host != rest {
			return Addr{}, fmt.Errorf("listen address %q: want tcp://host:port", s)
		}
		if _, _, err := net.SplitHostPort(rest); err != nil {
			return Addr{}, fmt.Errorf("listen address %q: %w", s, err)
		}
		return Addr{Network: "tcp", Address: rest}, nil
	}
	return Addr{}, fmt.Errorf("listen address %q: scheme must be unix or tcp", s)
}

// Listen opens a. TCP listeners serve TLS when tlsConf is not nil, unix
// sockets never do (dockerd applies TLS to TCP only).
func Listen(ctx context.Context, a Addr, tlsConf *tls.Config) (net.Listener, error) {
	var lc net.ListenConfig
	switch a.Network {
	case "unix":
		return listenUnix(ctx, lc, a.Address)
	case "tcp":
		l, err := lc.Listen(ctx, "tcp", a.Address)
		if err != nil {
			return nil, err
		}
		if tlsConf != nil {
			l = tls.NewListener(l, tlsConf)
		}
		return l, nil
	}
	return nil, fmt.Errorf("listen %s: unknown network", a)
}

// listenUnix removes a stale socket left by a daemon that died, but refuses
// to take over a socket something still answers on, or a file that is not
// a socket.
func listenUnix(ctx context.Context, lc net.ListenConfig, path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case fi.Mode().Type() != fs.ModeSocket:
		return nil, fmt.Errorf("listen unix://%s: file exists and is not a socket", path)
	default:
		d := net.Dialer{Timeout: time.Second}
		if c, err := d.DialContext(ctx, "unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("listen unix://%s: another daemon is listening on it", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale socket: %w", err)
		}
	}
	l, err := lc.Listen(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, SocketMode); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}
