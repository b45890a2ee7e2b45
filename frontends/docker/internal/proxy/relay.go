package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
)

// relay forwards a request whose answer may take over the connection
// (attach, exec start, upgrades). It sends r to the backend on a connection
// of its own and reads the answer. An upgrade (101) or a stream content
// type means the backend hijacked: the client connection is hijacked too,
// the backend's status line and headers are relayed, and bytes are copied
// both ways until both directions are done. Any other answer (an error, a
// detached exec start) is forwarded as an ordinary response.
func (p *Proxy) relay(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxJSONBody))
	if err != nil {
		httpx.WriteError(w, r, fmt.Errorf("read request body: %w", err))
		return
	}
	bconn, err := p.b.Dial(ctx)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// Until the connection is handed to the copiers, a client that goes
	// away must not leave us waiting on the backend.
	stop := context.AfterFunc(ctx, func() { bconn.Close() })
	out := p.outRequest(r, body)
	br := bufio.NewReader(bconn)
	resp, err := roundTrip(bconn, br, out)
	if !stop() || err != nil {
		bconn.Close()
		if ctx.Err() != nil {
			zerolog.Ctx(ctx).Debug().Int("status", 499).Msg("client went away")
			return
		}
		httpx.WriteError(w, r, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("sockerless backend at %s: %v", p.b, err)))
		return
	}
	if resp.StatusCode != http.StatusSwitchingProtocols && !isStream(resp.Header.Get("Content-Type")) {
		defer bconn.Close()
		p.forward(w, r, resp)
		return
	}
	p.splice(w, r, resp, bconn, br)
}

// roundTrip writes req on conn and reads the answer's head from br.
func roundTrip(conn net.Conn, br *bufio.Reader, req *http.Request) (*http.Response, error) {
	if err := req.Write(conn); err != nil {
		return nil, fmt.Errorf("send request: %w", err)
	}
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	return resp, nil
}

// outRequest is r addressed to the backend, with the body already read.
// Connection and Upgrade are kept: the backend answers an upgrade request
// with 101 UPGRADED and any other one with 200 and a stream, as dockerd.
func (p *Proxy) outRequest(r *http.Request, body []byte) *http.Request {
	out := r.Clone(context.WithoutCancel(r.Context()))
	out.URL = &url.URL{Scheme: "http", Host: p.b.Host(), Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	out.Host = p.b.Host()
	out.RequestURI = ""
	out.TransferEncoding = nil
	out.Close = false
	out.ContentLength = int64(len(body))
	out.Body = nil
	if len(body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(body))
	}
	for _, h := range []string{"Keep-Alive", "Proxy-Connection", "Te", "Trailer"} {
		out.Header.Del(h)
	}
	p.b.Authorize(out.Header, httpx.APIVersion(r.Context()))
	return out
}

func isStream(contentType string) bool {
	return strings.HasPrefix(contentType, httpx.RawStream) || strings.HasPrefix(contentType, httpx.MultiplexedStream)
}

// hopHeaders are not forwarded by [Proxy.forward]; net/http writes its own.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward writes an ordinary answer read from the backend, flushing as the
// body arrives.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, resp *http.Response) {
	defer resp.Body.Close()
	for _, k := range append(hopHeaders, p.own...) {
		resp.Header.Del(k)
	}
	h := w.Header()
	for k, vv := range resp.Header {
		h[k] = vv
	}
	w.WriteHeader(resp.StatusCode)
	rc := http.NewResponseController(w)
	buf := p.bufs.Get()
	defer p.bufs.Put(buf)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			_ = rc.Flush()
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				zerolog.Ctx(r.Context()).Warn().Err(err).Msg("backend answer cut short")
			}
			return
		}
	}
}
