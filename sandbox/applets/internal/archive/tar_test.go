package archive

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

type member struct {
	name, link string
	typ        byte
	body       string
}

func makeTar(t testing.TB, members []member) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		h := &tar.Header{Name: m.name, Linkname: m.link, Typeflag: m.typ, Mode: 0o644, Size: int64(len(m.body))}
		if m.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil // not encodable: nothing to test
		}
		if m.typ == tar.TypeReg {
			tw.Write([]byte(m.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

// extractAll runs "tar xf -" in dest/root and returns the exit code.
func extractAll(t testing.TB, base string, data []byte) int {
	root := filepath.Join(base, "root")
	os.MkdirAll(root, 0o755)
	var out, errb bytes.Buffer
	e := &applet.Env{Args: []string{"tar", "xf", "-"}, Stdin: bytes.NewReader(data), Stdout: &out, Stderr: &errb, Dir: root}
	return Tar(e)
}

// outside lists files created in base but outside base/root.
func outside(t testing.TB, base string) []string {
	var bad []string
	filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		if rel != "." && rel != "root" && !strings.HasPrefix(rel, "root"+string(filepath.Separator)) {
			bad = append(bad, rel)
		}
		return nil
	})
	return bad
}

var escapeTests = [][]member{
	{{name: "../evil", typ: tar.TypeReg, body: "x"}},
	{{name: "/evil", typ: tar.TypeReg, body: "x"}},
	{{name: "a/../../evil", typ: tar.TypeReg, body: "x"}},
	{{name: "l", link: "..", typ: tar.TypeSymlink}, {name: "l/evil", typ: tar.TypeReg, body: "x"}},
	{{name: "l", link: "/tmp", typ: tar.TypeSymlink}, {name: "l/evil", typ: tar.TypeReg, body: "x"}},
	{{name: "d/", typ: tar.TypeDir}, {name: "d/l", link: "../..", typ: tar.TypeSymlink}, {name: "d/l/evil", typ: tar.TypeReg, body: "x"}},
	{{name: "h", link: "../outside", typ: tar.TypeLink}},
	{{name: "evil", link: "../evil", typ: tar.TypeSymlink}, {name: "evil", typ: tar.TypeReg, body: "x"}},
}

func TestExtractStaysInside(t *testing.T) {
	for i, members := range escapeTests {
		base := t.TempDir()
		os.WriteFile(filepath.Join(base, "outside"), []byte("secret"), 0o644)
		extractAll(t, base, makeTar(t, members))
		bad := outside(t, base)
		if len(bad) != 1 || bad[0] != "outside" {
			t.Errorf("case %d wrote outside the root: %v", i, bad)
		}
		if b, _ := os.ReadFile(filepath.Join(base, "outside")); string(b) != "secret" {
			t.Errorf("case %d changed a file outside the root", i)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src/sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "src/a"), []byte("A"), 0o644)
	os.WriteFile(filepath.Join(dir, "src/sub/b"), []byte("B"), 0o644)
	os.Symlink("a", filepath.Join(dir, "src/l"))
	run := func(args ...string) string {
		var out, errb bytes.Buffer
		if code := Tar(&applet.Env{Args: append([]string{"tar"}, args...), Stdout: &out, Stderr: &errb, Dir: dir}); code != 0 {
			t.Fatalf("tar %v: %d %s", args, code, errb.String())
		}
		return out.String()
	}
	run("czf", "x.tgz", "src")
	if got := run("tzf", "x.tgz"); got != "src/\nsrc/a\nsrc/l\nsrc/sub/\nsrc/sub/b\n" {
		t.Fatalf("list = %q", got)
	}
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	run("-xzf", "x.tgz", "-C", "out", "--strip-components", "1")
	if b, _ := os.ReadFile(filepath.Join(dir, "out/sub/b")); string(b) != "B" {
		t.Fatalf("extracted b = %q", b)
	}
	if l, _ := os.Readlink(filepath.Join(dir, "out/l")); l != "a" {
		t.Fatalf("link = %q", l)
	}
}

func FuzzExtract(f *testing.F) {
	for _, members := range escapeTests {
		var names, links []string
		for _, m := range members {
			names = append(names, m.name)
			links = append(links, m.link)
		}
		f.Add(strings.Join(names, "\n"), strings.Join(links, "\n"), byte(members[0].typ))
	}
	f.Fuzz(func(t *testing.T, names, links string, typ byte) {
		ns, ls := strings.Split(names, "\n"), strings.Split(links, "\n")
		var members []member
		for i, n := range ns {
			if n == "" || len(n) > 100 || strings.ContainsRune(n, 0) {
				return
			}
			m := member{name: n, typ: tar.TypeReg, body: "x"}
			if i < len(ls) && ls[i] != "" && !strings.ContainsRune(ls[i], 0) && len(ls[i]) < 100 {
				m.link, m.typ = ls[i], tar.TypeSymlink
				if (typ+byte(i))%3 == 0 {
					m.typ = tar.TypeLink
				}
			}
			members = append(members, m)
		}
		data := makeTar(t, members)
		if data == nil {
			return
		}
		base := t.TempDir()
		os.WriteFile(filepath.Join(base, "outside"), []byte("secret"), 0o644)
		extractAll(t, base, data)
		if bad := outside(t, base); len(bad) != 1 {
			t.Fatalf("wrote outside the root: %v (members %+v)", bad, members)
		}
		if b, _ := os.ReadFile(filepath.Join(base, "outside")); string(b) != "secret" {
			t.Fatalf("changed a file outside the root (members %+v)", members)
		}
	})
}
