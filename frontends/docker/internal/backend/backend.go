// Package backend is the frontend's client of a Sockerless backend daemon:
// it parses the backend address, dials it, and calls the internal routes of
// [backendapi] (https://docs.docker.com/reference/api/engine/ for the Docker
// routes the backend serves unversioned).
package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/api/httpx"
)

// APIVersionHeader carries the client's Docker API version from the
// frontend to the backend, so the backend can adapt its answers (the
// frontend strips the /vX.Y prefix).
const APIVersionHeader = backendapi.APIVersionHeader

// Client reaches one backend daemon.
type Client struct {
	network, addr string
	token         string
	// HTTP is the client for ordinary requests; its transport dials the backend.
	HTTP *http.Client
}

// New returns a client of the backend at addr, which is unix:///path,
// http://host:port or tcp://host:port. token is sent on every request.
func New(addr, token string) (*Client, error) {
	if token == "" {
		return nil, errors.New("backend token is empty")
	}
	network, address, err := parseAddr(addr)
	if err != nil {
		return nil, err
	}
	c := &Client{network: network, addr: address, token: token}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return c.Dial(ctx)
		},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		// Never ask the backend for gzip: the proxy must relay bytes as
		// they come, and the Docker API does not compress.
		DisableCompression: true,
		// Answer bodies (export, archive, save, logs) are read through
		// this buffer: net/http's default 4 KiB costs a read per chunk
		// header and splits each of the backend's chunks in two.
		ReadBufferSize: 64 << 10,
	}
	c.HTTP = &http.Client{Transport: tr}
	return c, nil
}

func parseAddr(addr string) (network, address string, err error) {
	u, err := url.Parse(addr)
	if err != nil {
		return "", "", fmt.Errorf("backend address %q: %w", addr, err)
	}
	switch u.Scheme {
	case "unix":
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		if p == "" {
			return "", "", fmt.Errorf("backend address %q: no socket path", addr)
		}
		return "unix", p, nil
	case "http", "tcp":
		if u.Host == "" || strings.Trim(u.Path, "/") != "" {
			return "", "", fmt.Errorf("backend address %q: want %s://host:port", addr, u.Scheme)
		}
		return "tcp", u.Host, nil
	}
	return "", "", fmt.Errorf("backend address %q: scheme must be unix, http or tcp", addr)
}

// String is the backend address, for logs.
func (c *Client) String() string { return c.network + "://" + c.addr }

// Host is the Host header requests to the backend carry: the TCP address,
// or a placeholder for a unix socket as the docker client does.
func (c *Client) Host() string {
	if c.network == "unix" {
		return "sockerless-backend"
	}
	return c.addr
}

// Dial opens a connection to the backend.
func (c *Client) Dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, c.network, c.addr)
	if err != nil {
		return nil, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("sockerless backend at %s is unreachable: %v", c, err))
	}
	return conn, nil
}

// Authorize sets the token and the client's API version on h, after
// dropping every X-Sockerless-* header a client sent: only the frontend
// speaks for itself to the backend.
func (c *Client) Authorize(h http.Header, apiVersion string) {
	for k := range h {
		if strings.HasPrefix(k, "X-Sockerless-") {
			delete(h, k)
		}
	}
	h.Set(backendapi.TokenHeader, c.token)
	h.Set(APIVersionHeader, apiVersion)
}

// Info calls GET /internal/v1/info.
func (c *Client) Info(ctx context.Context) (backendapi.Info, error) {
	var info backendapi.Info
	resp, err := c.Get(ctx, backendapi.InfoPath, httpx.MaxAPIVersion)
	if err != nil {
		return info, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return info, fmt.Errorf("read backend info: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return info, fmt.Errorf("backend info: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return info, fmt.Errorf("decode backend info: %w", err)
	}
	return info, nil
}

// Get sends GET path to the backend on behalf of a client speaking
// apiVersion. The caller closes the body.
func (c *Client) Get(ctx context.Context, path, apiVersion string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Host()+path, nil)
	if err != nil {
		return nil, err
	}
	c.Authorize(req.Header, apiVersion)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("sockerless backend at %s is unreachable: %v", c, err))
	}
	return resp, nil
}
