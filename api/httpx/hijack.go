package httpx

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Stream content types of attach and exec start, as dockerd sends them.
const (
	RawStream         = "application/vnd.docker.raw-stream"
	MultiplexedStream = "application/vnd.docker.multiplexed-stream"
)

// Hijack takes over the connection of r and writes the upgrade answer the
// Docker client expects: 101 UPGRADED when it asked for "Upgrade: tcp",
// else 200 OK, with contentType. The caller owns the returned connection;
// buffered bytes the client already sent are in rw.Reader.
func Hijack(w http.ResponseWriter, r *http.Request, contentType string) (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijack connection: %w", err)
	}
	upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "tcp") ||
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
	if upgrade {
		fmt.Fprintf(rw, "HTTP/1.1 101 UPGRADED\r\nContent-Type: %s\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", contentType)
	} else {
		fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n", contentType)
	}
	if err := rw.Flush(); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("write upgrade answer: %w", err)
	}
	return conn, rw, nil
}

// CloseWrite half-closes conn when it supports it (TCP, unix sockets), so
// the peer reads EOF while it can still send.
func CloseWrite(conn net.Conn) error {
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
