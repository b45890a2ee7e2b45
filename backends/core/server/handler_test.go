package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecovererAnswers500(t *testing.T) {
	h := recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "internal server error") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}
