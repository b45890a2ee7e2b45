package awssim

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// start runs a simulator behind httptest and returns an SDK configuration
// aimed at it.
func start(t *testing.T, opts Options) (*Server, aws.Config, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	opts.RegistryHost = srv.Listener.Addr().String()
	sim, err := New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = sim.Handler()
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	cfg := Config(srv.URL, "us-east-1")
	cfg.HTTPClient = srv.Client()
	return sim, cfg, srv.URL
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
