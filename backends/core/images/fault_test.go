package images

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/distribution/reference"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// faulty is a Backend whose transfers fail after they started.
type faulty struct {
	Backend // nil: the methods a test does not use panic
}

var errMidway = errors.New("disk on fire")

func (faulty) Save(_ context.Context, w io.Writer, _ []string) error {
	w.Write([]byte("partial tar"))
	return errMidway
}

func (faulty) Pull(_ context.Context, _ reference.Named, _ imagestore.PullOptions, report func(imagestore.Progress)) (imagestore.Image, error) {
	report(imagestore.Progress{ID: "latest", Status: "Pulling from library/x"})
	return imagestore.Image{}, errMidway
}

// TestInBandErrors checks that a failure after the response started is
// reported in the stream, as dockerd does, and not as a second status.
func TestInBandErrors(t *testing.T) {
	mux := http.NewServeMux()
	register(mux, faulty{})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/images/x/get", `partial tar{"errorDetail":{"message":"disk on fire"},"error":"disk on fire"}` + "\r\n"},
		{"POST", "/images/create?fromImage=x&tag=latest", `{"status":"Pulling from library/x","id":"latest"}` + "\r\n" +
			`{"errorDetail":{"message":"disk on fire"},"error":"disk on fire"}` + "\r\n"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != tc.want {
			t.Errorf("%s %s: %d %q, want %q", tc.method, tc.path, resp.StatusCode, body, tc.want)
		}
	}
}
