package daemon

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// TestServePprof: only loopback addresses, and the index lists the profiles.
func TestServePprof(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.1.2.3:6060", "example.com:6060", "nonsense"} {
		if _, stop, err := servePprof(addr, zerolog.Nop()); err == nil {
			stop()
			t.Errorf("servePprof(%q) accepted a non-loopback address", addr)
		}
	}
	addr, stop, err := servePprof("127.0.0.1:0", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "goroutine") {
		t.Errorf("index: %d %.200s", resp.StatusCode, b)
	}
}
