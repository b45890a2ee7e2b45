package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCopyBufferedKeepsBufferedBytes(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 3*relayBuffer/16+5)
	tests := []struct {
		name   string
		data   string
		peeked int // bytes the bufio.Reader has read ahead before the copy
	}{
		{"nothing buffered", "stream", 0},
		{"all buffered", "head and stream", 15},
		{"part buffered", big, 16},
		{"empty", "", 0},
	}
	for _, tc := range tests {
		src := strings.NewReader(tc.data)
		br := bufio.NewReaderSize(src, 16)
		if tc.peeked > 0 {
			if _, err := br.Peek(tc.peeked); err != nil {
				t.Fatalf("%s: peek: %v", tc.name, err)
			}
		}
		var dst bytes.Buffer
		n, err := copyBuffered(&dst, br, src)
		if err != nil || n != int64(len(tc.data)) || dst.String() != tc.data {
			t.Errorf("%s: copied %d bytes (%v), equal %v; want %d", tc.name, n, err, dst.String() == tc.data, len(tc.data))
		}
	}
}

// TestPipeHalfClose relays over real unix sockets: bytes the backend sent
// with its head reach the client, and each side's CloseWrite reaches the
// other while it can still send.
func TestPipeHalfClose(t *testing.T) {
	client, clientPeer := unixPair(t)
	backend, backendPeer := unixPair(t)
	// The backend's first bytes were read ahead with its answer head.
	if _, err := backendPeer.Write([]byte("early|")); err != nil {
		t.Fatal(err)
	}
	bbuf := bufio.NewReader(backend)
	if _, err := bbuf.Peek(6); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		pipe(client, bufio.NewReader(client), backend, bbuf)
	}()

	// Keystrokes go through at once, not when a buffer fills; the bytes
	// that came with the head go first.
	for _, c := range []struct {
		from, to net.Conn
		want     string
	}{{clientPeer, backendPeer, "k"}, {backendPeer, clientPeer, "early|k"}} {
		if _, err := c.from.Write([]byte("k")); err != nil {
			t.Fatal(err)
		}
		c.to.SetReadDeadline(time.Now().Add(5 * time.Second))
		b := make([]byte, len(c.want))
		if _, err := io.ReadFull(c.to, b); err != nil || string(b) != c.want {
			t.Fatalf("read %q, %v; want %q", b, err, c.want)
		}
		c.to.SetReadDeadline(time.Time{})
	}
	// stdin: the client sends and half-closes; the backend reads EOF.
	if _, err := clientPeer.Write([]byte("stdin")); err != nil {
		t.Fatal(err)
	}
	clientPeer.(*net.UnixConn).CloseWrite()
	if got, err := io.ReadAll(backendPeer); err != nil || string(got) != "stdin" {
		t.Fatalf("backend read %q, %v", got, err)
	}
	// stdout: the backend answers after the client's EOF, then ends.
	if _, err := backendPeer.Write([]byte("late")); err != nil {
		t.Fatal(err)
	}
	backendPeer.(*net.UnixConn).CloseWrite()
	if got, err := io.ReadAll(clientPeer); err != nil || string(got) != "late" {
		t.Fatalf("client read %q, %v", got, err)
	}
	<-done
}

// unixPair returns the two ends of a unix socket connection.
func unixPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	a, err := net.Dial("unix", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-accepted
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}
