// Package listen opens the sockets the frontend serves the Docker Engine
// API on, as dockerd's -H/--host does: unix:///path and tcp://host:port,
// with TLS and client-certificate verification on TCP
// (https://docs.docker.com/engine/security/protect-access/).
package listen

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sockerless/sockerless/api/unixsock"
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
		// A stale socket from a dead daemon is replaced; a live one or a
		// file that is not a socket is refused.
		return unixsock.Listen(ctx, a.Address, SocketMode)
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
