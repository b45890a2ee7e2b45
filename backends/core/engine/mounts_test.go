package engine

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

var bindTests = []struct {
	spec, typ, name, dest, mode string
	ro, ok                      bool
}{
	{"data:/data", "volume", "data", "/data", "z", false, true},
	{"data:/data:ro", "volume", "data", "/data", "ro", true, true},
	{"data:/data:ro,nocopy", "volume", "data", "/data", "ro,nocopy", true, true},
	{"data", "", "", "", "", false, false},
	{"/scratch", "volume", "", "/scratch", "z", false, true}, // anonymous, as dockerd
	{"data:/data:bogus", "", "", "", "", false, false},
	{":/data", "", "", "", "", false, false},
	{"a:b:c:d", "", "", "", "", false, false},
}

func TestParseBind(t *testing.T) {
	for _, tc := range bindTests {
		m, err := parseBind(tc.spec)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.spec, err)
			continue
		}
		if err != nil {
			continue
		}
		if m.Type != tc.typ || m.Name != tc.name || m.Destination != tc.dest || m.Mode != tc.mode || m.ReadOnly != tc.ro {
			t.Errorf("%q: got %+v", tc.spec, m)
		}
	}
}

// FuzzParseBind checks that any -v spec naming a volume parses to a
// volume whose name and destination come from the spec, never a bind of
// a relative host path.
func FuzzParseBind(f *testing.F) {
	for _, tc := range bindTests {
		f.Add(tc.spec)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if strings.HasPrefix(spec, "/") {
			return // binds create host directories: not fuzzed
		}
		m, err := parseBind(spec)
		if err != nil {
			return
		}
		if m.Type != "volume" || m.Name == "" || m.Name != strings.Split(spec, ":")[0] || m.Source != "" {
			t.Fatalf("%q parsed as %+v", spec, m)
		}
	})
}

// FuzzTmpfsMount checks that a tmpfs mount's backing directory stays in
// the container's directory whatever its destination and options.
func FuzzTmpfsMount(f *testing.F) {
	for _, s := range []string{"/run|", "/tmp|mode=1777", "/a/../../b|size=64m,mode=700", "/x|mode=zz", "..|ro"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		dst, opts, _ := strings.Cut(in, "|")
		m, err := tmpfsMount("/ctr", dst, opts)
		if err != nil {
			return
		}
		if rel := strings.TrimPrefix(m.Source, "/ctr/tmpfs/"); rel == m.Source || strings.Contains(rel, "/") || rel == ".." {
			t.Fatalf("tmpfs %q backed by %q", dst, m.Source)
		}
		_ = path.Clean(m.Source)
	})
}

// TestParseBindExistingFile binds an existing file (act binds the
// daemon's socket so): dockerd creates only a missing source, as a
// directory.
func TestParseBindExistingFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "docker.sock")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := parseBind(f + ":/var/run/docker.sock")
	if err != nil || m.Type != "bind" || m.Source != f || m.Destination != "/var/run/docker.sock" {
		t.Errorf("parseBind(file) = %+v, %v", m, err)
	}
	missing := filepath.Join(t.TempDir(), "new")
	if _, err := parseBind(missing + ":/data"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(missing); err != nil || !fi.IsDir() {
		t.Errorf("missing source not created as a directory: %v, %v", fi, err)
	}
}
