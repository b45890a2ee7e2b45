package backend

import (
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
