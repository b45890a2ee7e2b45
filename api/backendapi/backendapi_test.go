package backendapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequireToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	tests := []struct {
		name, token, sent string
		want              int
	}{
		{"right token", "s3cret", "s3cret", http.StatusNoContent},
		{"wrong token", "s3cret", "nope", http.StatusUnauthorized},
		{"missing token", "s3cret", "", http.StatusUnauthorized},
		{"server without token refuses all", "", "", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/containers/json", nil)
			if tc.sent != "" {
				req.Header.Set(TokenHeader, tc.sent)
			}
			RequireToken(tc.token, ok).ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
