package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
)

// splice hijacks the client connection, relays the backend's answer head
// and copies bytes both ways. Half-close is propagated: when the client
// closes its write side, the backend's write side is closed, and when the
// backend's stream ends, the client's. Nothing is buffered beyond one copy
// buffer. The request's context stays alive until splice returns.
// upgradeGrace is how long the stream after a 101 head waits; see splice.
const upgradeGrace = 10 * time.Millisecond

// readsBufferedHead reports whether the client is one known to keep the
// bytes that arrive with the head (the docker CLI), which needs no grace.
func readsBufferedHead(r *http.Request) bool {
	return strings.HasPrefix(r.UserAgent(), "Docker-Client/")
}

func (p *Proxy) splice(w http.ResponseWriter, r *http.Request, resp *http.Response, bconn net.Conn, br *bufio.Reader) {
	log := zerolog.Ctx(r.Context())
	// The frontend's own headers were set on w by the middleware.
	for _, k := range p.own {
		resp.Header.Del(k)
		for _, v := range w.Header().Values(k) {
			resp.Header.Add(k, v)
		}
	}
	if len(resp.TransferEncoding) > 0 {
		resp.Header.Set("Transfer-Encoding", strings.Join(resp.TransferEncoding, ", "))
	}
	cconn, crw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		bconn.Close()
		httpx.WriteError(w, r, fmt.Errorf("hijack client connection: %w", err))
		return
	}
	_ = cconn.SetDeadline(time.Time{})
	if !p.conns.Add(cconn) {
		bconn.Close()
		return
	}
	defer p.conns.Remove(cconn)
	if !p.conns.Add(bconn) {
		cconn.Close()
		return
	}
	defer p.conns.Remove(bconn)

	fmt.Fprintf(crw, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	_ = resp.Header.Write(crw)
	_, _ = crw.WriteString("\r\n")
	if err := crw.Flush(); err != nil {
		cconn.Close()
		bconn.Close()
		log.Debug().Err(err).Int("status", 499).Msg("client went away")
		return
	}
	if resp.StatusCode == http.StatusSwitchingProtocols && !readsBufferedHead(r) {
		// Clients that parse the answer with a buffered HTTP reader and
		// then read the raw socket (docker-py's exec_run, attach_socket)
		// lose whatever arrived with the head. dockerd never sends both in
		// one read because its process starts after the head is out; we
		// relay the backend's bytes as soon as they come, so we hold them
		// back for a moment to let the client take the head alone.
		time.Sleep(upgradeGrace)
	}
	log.Debug().Int("status", resp.StatusCode).Msg("stream relay started")
	up, down := pipe(cconn, crw.Reader, bconn, br)
	log.Debug().Int64("bytes_in", up).Int64("bytes_out", down).Msg("stream relay done")
}

// pipe copies client→backend and backend→client until both directions
// end. An EOF half-closes the other side's write direction; any other
// error closes both connections, which ends the other direction too.
func pipe(client net.Conn, cbuf *bufio.Reader, backend net.Conn, bbuf *bufio.Reader) (up, down int64) {
	type result struct {
		n   int64
		err error
		up  bool
	}
	done := make(chan result, 2)
	go func() {
		n, err := copyBuffered(backend, cbuf, client)
		if err == nil {
			err = httpx.CloseWrite(backend)
		}
		done <- result{n, err, true}
	}()
	go func() {
		n, err := copyBuffered(client, bbuf, backend)
		if err == nil {
			err = httpx.CloseWrite(client)
		}
		done <- result{n, err, false}
	}()
	for range 2 {
		res := <-done
		if res.err != nil {
			client.Close()
			backend.Close()
		}
		if res.up {
			up = res.n
		} else {
			down = res.n
		}
	}
	client.Close()
	backend.Close()
	return up, down
}

// relayBuffer is the size of each direction's copy buffer. A unix socket
// read returns what the peer has queued, up to the socket's send buffer
// (about 208 KiB by default), so a large buffer moves a fast stream in a
// few big reads and writes, while a slow one (an interactive shell, logs)
// still goes out as soon as each read returns.
const relayBuffer = 256 << 10

// copyBuffered writes what buf already read from src, then copies src
// itself, bypassing buf: a [bufio.Reader] would read it 4 KiB at a time.
// Two unix sockets are spliced ([spliceUnix]); otherwise [io.CopyBuffer]
// takes net's own splice path when one end is a TCP connection
// ([net.TCPConn.ReadFrom], [net.TCPConn.WriteTo]), and copies through
// a relayBuffer when neither is.
func copyBuffered(dst io.Writer, buf *bufio.Reader, src io.Reader) (int64, error) {
	var n int64
	if k := buf.Buffered(); k > 0 {
		b, _ := buf.Peek(k)
		m, err := dst.Write(b)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	if m, ok, err := spliceUnix(dst, src); ok {
		return n + m, err
	}
	m, err := io.CopyBuffer(dst, src, make([]byte, relayBuffer))
	return n + m, err
}
