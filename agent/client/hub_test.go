package client_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/client"
)

func TestReverseMode(t *testing.T) {
	a, _ := newAgent(t)
	hub := client.NewHub(func(id string) (string, bool) {
		return token, id == "c1"
	}, zerolog.Nop())
	mux := http.NewServeMux()
	mux.Handle("GET "+client.ReversePath, hub)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go a.DialBack(ctx, srv.URL+client.ReversePath, "c1")

	gctx, gcancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer gcancel()
	c, err := hub.Get(gctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code, err := c.Exec(t.Context(), client.ExecSpec{Args: []string{"echo", "reverse"}}, client.Streams{Stdout: &out}, nil)
	if err != nil || code != 0 || out.String() != "reverse\n" {
		t.Fatalf("exec over reverse connection: %d %v %q", code, err, out.String())
	}
}

func TestReverseRefusesBadToken(t *testing.T) {
	a, _ := newAgent(t)
	a.Token = "not-the-token"
	hub := client.NewHub(func(id string) (string, bool) { return token, id == "c1" }, zerolog.Nop())
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go a.DialBack(ctx, srv.URL, "c1")
	gctx, gcancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer gcancel()
	if _, err := hub.Get(gctx, "c1"); err == nil {
		t.Fatal("an agent with the wrong token was accepted")
	}
	// An unknown container is refused whatever its token.
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set(client.IDHeader, "other")
	req.Header.Set(client.TokenHeader, token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown container: status %d", resp.StatusCode)
	}
}
