// Package proxy forwards the Docker Engine API requests the frontend does
// not answer itself to a Sockerless backend daemon
// (https://docs.docker.com/reference/api/engine/), streaming bodies in both
// directions and relaying hijacked attach and exec streams byte for byte.
package proxy

import (
	stdlog "log"
	"net/http"
	"net/http/httputil"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/frontends/docker/internal/backend"
)

// Proxy is the http.Handler that forwards requests to the backend. The
// request path must already be free of its /vX.Y prefix ([httpx.StripVersion]).
type Proxy struct {
	b     *backend.Client
	rp    *httputil.ReverseProxy
	bufs  *bufferPool
	conns *Conns
	own   []string
}

// New returns a Proxy to b. own names the headers the frontend puts on
// every answer before the proxy runs (API-Version, Server...); the
// backend's values for them are dropped so that clients see one of each.
// log receives the reverse proxy's own messages (a body cut short).
func New(b *backend.Client, own []string, log zerolog.Logger) *Proxy {
	p := &Proxy{b: b, bufs: newBufferPool(), conns: NewConns(), own: own}
	p.rp = &httputil.ReverseProxy{
		Rewrite:   p.rewrite,
		Transport: b.HTTP.Transport,
		// -1 flushes after every write: logs -f, events, stats and pull
		// progress must reach the client as the backend writes them.
		FlushInterval:  -1,
		BufferPool:     p.bufs,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.errorHandler,
		ErrorLog:       stdlog.New(log.With().Str("component", "proxy").Logger(), "", 0),
	}
	return p
}

// Conns is the set of hijacked connections, for [http.Server.RegisterOnShutdown].
func (p *Proxy) Conns() *Conns { return p.conns }

// ServeHTTP forwards r: hijackable requests through [Proxy.relay], every
// other one through the reverse proxy.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isHijack(r) {
		p.relay(w, r)
		return
	}
	if !bufferJSON(w, r) {
		return
	}
	p.rp.ServeHTTP(w, r)
}

// isHijack reports whether the answer to r may take over the connection:
// Docker's attach and exec start (which hijack even without an Upgrade
// header, answering 200 with a stream content type) and any upgrade request
// (attach over websocket, BuildKit's /session and /grpc).
func isHijack(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || headerHasToken(r.Header, "Connection", "upgrade") {
		return true
	}
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/containers/")
	if ok {
		id, op, _ := strings.Cut(rest, "/")
		return id != "" && op == "attach"
	}
	rest, ok = strings.CutPrefix(r.URL.Path, "/exec/")
	if ok {
		id, op, _ := strings.Cut(rest, "/")
		return id != "" && op == "start"
	}
	return false
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), token) {
				return true
			}
		}
	}
	return false
}

func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = p.b.Host()
	pr.Out.Host = p.b.Host()
	pr.Out.URL.Path = pr.In.URL.Path
	pr.Out.URL.RawPath = pr.In.URL.RawPath
	p.b.Authorize(pr.Out.Header, httpx.APIVersion(pr.In.Context()))
}

func (p *Proxy) modifyResponse(resp *http.Response) error {
	for _, k := range p.own {
		resp.Header.Del(k)
	}
	return nil
}

// errorHandler answers when the backend cannot be reached or the stream
// broke. A client that went away is logged as 499 and gets nothing.
func (p *Proxy) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		zerolog.Ctx(r.Context()).Debug().Err(err).Int("status", 499).Msg("client went away")
		return
	}
	if !errdefs.IsUnavailable(err) {
		err = errdefs.ErrUnavailable.WithMessage("sockerless backend at " + p.b.String() + ": " + err.Error())
	}
	httpx.WriteError(w, r, err)
}
