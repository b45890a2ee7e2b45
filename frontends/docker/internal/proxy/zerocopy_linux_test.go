package proxy

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
)

func TestSpliceUnix(t *testing.T) {
	// More than one pipe's worth, in writes that do not line up with it.
	want := bytes.Repeat([]byte("0123456789abcde"), 3*pipeSize/15+7)
	src, srcPeer := unixPair(t)
	dst, dstPeer := unixPair(t)
	go func() {
		for b := want; len(b) > 0; {
			k := min(len(b), 100<<10)
			if _, err := srcPeer.Write(b[:k]); err != nil {
				return
			}
			b = b[k:]
		}
		srcPeer.(*net.UnixConn).CloseWrite()
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(dstPeer)
		got <- b
	}()
	n, handled, err := spliceUnix(dst, src)
	if !handled || err != nil || n != int64(len(want)) {
		t.Fatalf("spliceUnix = %d, %v, %v; want %d bytes", n, handled, err, len(want))
	}
	dst.(*net.UnixConn).CloseWrite()
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("received %d bytes, not the %d sent", len(b), len(want))
	}
}

func TestSpliceUnixClosed(t *testing.T) {
	src, _ := unixPair(t)
	dst, _ := unixPair(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := spliceUnix(dst, src)
		done <- err
	}()
	src.Close() // as pipe does when the other direction fails
	if err := <-done; err == nil {
		t.Fatal("spliceUnix on a closed connection returned no error")
	}
}

func TestSpliceUnixNotHandled(t *testing.T) {
	var dst bytes.Buffer
	if n, handled, err := spliceUnix(&dst, strings.NewReader("x")); handled || n != 0 || err != nil {
		t.Fatalf("spliceUnix(buffer, reader) = %d, %v, %v; want not handled", n, handled, err)
	}
}
