package docker_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/frontends/docker/internal/backendtest"
)

// TestOversizedJSONBody checks that a JSON body over the limit gets a
// clean 400 from the frontend, read by the client after its upload.
func TestOversizedJSONBody(t *testing.T) {
	fb := backendtest.New(t)
	srv, _ := newFrontend(t, fb.Addr, backendtest.Token)
	big := `{"Image":"x","Env":["` + strings.Repeat("a", 12<<20) + `"]}`
	resp, err := http.Post(srv.URL+"/v1.51/containers/create", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ Message string }
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Message, "request body too large") {
		t.Errorf("oversized create: %d %q", resp.StatusCode, e.Message)
	}
	// A body under the limit still reaches the backend whole.
	small := []byte(`{"Image":"x"}`)
	resp, err = http.Post(srv.URL+"/v1.51/containers/create", "application/json", bytes.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("small create: %d", resp.StatusCode)
	}
}
