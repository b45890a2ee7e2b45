package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sockerless/sockerless/api/backendapi"
)

// waitReady polls check until it succeeds, c exits, ctx is done or
// [readyTimeout] passes.
func waitReady(ctx context.Context, c *child, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
		last = check(cctx)
		ccancel()
		if last == nil {
			return nil
		}
		select {
		case <-c.done:
			return c.unexpected()
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("%s did not answer within %s: %w", c.name, readyTimeout, last)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// get sends GET path to the daemon at host (unix:///path or tcp://host:port).
func get(ctx context.Context, host, path string, header http.Header) error {
	network, addr, ok := strings.Cut(host, "://")
	if !ok {
		return fmt.Errorf("bad address %q", host)
	}
	url := "http://localhost" + path
	if network == "tcp" {
		url = "http://" + addr + path
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header = header
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// backendInfo checks that the backend answers its info route with our token.
func backendInfo(ctx context.Context, sock, token string) error {
	return get(ctx, "unix://"+sock, backendapi.InfoPath, http.Header{backendapi.TokenHeader: {token}})
}

// ping checks that the frontend answers /_ping. A TCP listener with TLS
// cannot be pinged without a client certificate: that it accepts
// connections is all that is checked there.
func ping(ctx context.Context, host string, tls bool) error {
	if addr, ok := strings.CutPrefix(host, "tcp://"); ok && tls {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}
	return get(ctx, host, "/_ping", http.Header{})
}
