package proxy

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestIsHijack(t *testing.T) {
	tests := []struct {
		method, path string
		header       http.Header
		want         bool
	}{
		{"POST", "/containers/c1/attach", nil, true},
		{"POST", "/exec/e1/start", nil, true},
		{"POST", "/containers/c1/start", nil, false},
		{"POST", "/exec/e1/resize", nil, false},
		{"GET", "/containers/c1/attach", nil, false},
		{"POST", "/containers//attach", nil, false},
		{"GET", "/containers/c1/attach/ws", http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}, true},
		{"POST", "/session", http.Header{"Upgrade": {"h2c"}, "Connection": {"Upgrade"}}, true},
		{"POST", "/grpc", http.Header{"Connection": {"keep-alive, Upgrade"}}, true},
		{"GET", "/containers/json", http.Header{"Connection": {"keep-alive"}}, false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		for k, v := range tc.header {
			r.Header[k] = v
		}
		if got := isHijack(r); got != tc.want {
			t.Errorf("isHijack(%s %s %v) = %v, want %v", tc.method, tc.path, tc.header, got, tc.want)
		}
	}
}
