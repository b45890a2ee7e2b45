package listen

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var parseTests = []struct {
	in      string
	want    Addr
	wantErr string
}{
	{"unix:///var/run/docker.sock", Addr{"unix", "/var/run/docker.sock"}, ""},
	{"unix:///tmp//x/../y.sock", Addr{"unix", "/tmp/y.sock"}, ""},
	{"tcp://127.0.0.1:2375", Addr{"tcp", "127.0.0.1:2375"}, ""},
	{"tcp://[::1]:2376", Addr{"tcp", "[::1]:2376"}, ""},
	{"tcp://:2375", Addr{"tcp", ":2375"}, ""},
	{"unix://relative.sock", Addr{}, "absolute"},
	{"unix://", Addr{}, "absolute"},
	{"tcp://127.0.0.1", Addr{}, "missing port"},
	{"tcp://host:1/path", Addr{}, "want tcp://host:port"},
	{"http://127.0.0.1:2375", Addr{}, "scheme"},
	{"/var/run/docker.sock", Addr{}, "want unix"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseTests {
		got, err := Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%q) = %v, %v, want error %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v, want %v", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParse checks that a parsed address prints back to one that parses
// to itself.
func FuzzParse(f *testing.F) {
	for _, tc := range parseTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil || a != b {
			t.Fatalf("Parse(%q) = %v, its String %q parses to %v, %v", in, a, a.String(), b, err)
		}
	})
}

func TestListenUnix(t *testing.T) {
	dir, err := os.MkdirTemp("", "sll")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "sub", "docker.sock")
	a := Addr{"unix", sock}

	l, err := Listen(t.Context(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != SocketMode {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	// A live socket is not taken over.
	if _, err := Listen(t.Context(), a, nil); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Fatalf("second listen: %v", err)
	}
	l.Close()
	// A stale one is: a daemon killed with -9 leaves its socket behind.
	stale, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	l, err = Listen(t.Context(), a, nil)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	l.Close()

	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(t.Context(), Addr{"unix", file}, nil); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("listen over a file: %v", err)
	}
}

func TestServerConfig(t *testing.T) {
	conf, err := ServerConfig(TLSOptions{})
	if conf != nil || err != nil {
		t.Fatalf("TLS off: %v, %v", conf, err)
	}
	if _, err := ServerConfig(TLSOptions{Verify: true, CertFile: "/nonexistent", KeyFile: "/nonexistent"}); err == nil {
		t.Fatal("missing certificate accepted")
	}
}
