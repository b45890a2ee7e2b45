package backend

import (
	"net/http"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	tests := []struct {
		addr, token     string
		network, target string
		wantErr         string
	}{
		{"unix:///run/sockerless/backend.sock", "t", "unix", "/run/sockerless/backend.sock", ""},
		{"http://127.0.0.1:9100", "t", "tcp", "127.0.0.1:9100", ""},
		{"tcp://backend:9100", "t", "tcp", "backend:9100", ""},
		{"unix://", "t", "", "", "no socket path"},
		{"http://127.0.0.1:9100/api", "t", "", "", "want http://host:port"},
		{"https://127.0.0.1:9100", "t", "", "", "scheme must be"},
		{"unix:///b.sock", "", "", "", "token is empty"},
	}
	for _, tc := range tests {
		c, err := New(tc.addr, tc.token)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New(%q) error %v, want %q", tc.addr, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.network != tc.network || c.addr != tc.target {
			t.Errorf("New(%q) = %v %v, %v", tc.addr, c.network, c.addr, err)
		}
	}
}

func TestAuthorizeDropsClientHeaders(t *testing.T) {
	c, err := New("unix:///b.sock", "secret")
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("X-Sockerless-Token", "forged")
	h.Set("X-Sockerless-Admin", "1")
	h.Set("X-Registry-Auth", "keep")
	c.Authorize(h, "1.44")
	want := http.Header{"X-Sockerless-Token": {"secret"}, "X-Sockerless-Api-Version": {"1.44"}, "X-Registry-Auth": {"keep"}}
	if len(h) != len(want) {
		t.Fatalf("headers %v, want %v", h, want)
	}
	for k, v := range want {
		if h.Get(k) != v[0] {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v[0])
		}
	}
}
