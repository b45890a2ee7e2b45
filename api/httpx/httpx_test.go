package httpx

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestDecodeJSONContentType(t *testing.T) {
	tests := []struct {
		ct, want string
	}{
		{"", ""},
		{"application/json", ""},
		{"application/json; charset=utf-8", ""},
		{"text/plain", "unsupported Content-Type header (text/plain): must be 'application/json'"},
		{"application/x-www-form-urlencoded", "unsupported Content-Type header (application/x-www-form-urlencoded): must be 'application/json'"},
		{";;", "malformed Content-Type header (;;): mime: no media type"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("POST", "/containers/create", strings.NewReader(`{"Image":"x"}`))
		if tc.ct != "" {
			r.Header.Set("Content-Type", tc.ct)
		}
		var v struct{ Image string }
		err := DecodeJSON(r, &v, false)
		switch {
		case tc.want == "" && (err != nil || v.Image != "x"):
			t.Errorf("%q: %v, %+v", tc.ct, err, v)
		case tc.want != "" && (err == nil || err.Error() != tc.want || !errdefs.IsInvalidArgument(err)):
			t.Errorf("%q: %v, want %q", tc.ct, err, tc.want)
		}
	}
	// An empty POST from moby's client says text/plain.
	r := httptest.NewRequest("POST", "/containers/x/start", nil)
	r.Header.Set("Content-Type", "text/plain")
	var v struct{}
	if err := DecodeJSON(r, &v, true); err != nil {
		t.Errorf("empty text/plain body: %v", err)
	}
}
