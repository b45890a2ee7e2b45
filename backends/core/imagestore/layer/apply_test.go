package layer_test

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

type entry = imagestoretest.Entry

// tree lists dir as "path type [target|content]" lines.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out = append(out, rel+" -> "+target)
		case d.IsDir():
			out = append(out, rel+"/")
		default:
			data, _ := os.ReadFile(p)
			out = append(out, rel+" = "+string(data))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func apply(t *testing.T, dir string, layers ...[]byte) error {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, l := range layers {
		if err := layer.Apply(t.Context(), root, bytes.NewReader(l)); err != nil {
			return err
		}
	}
	return nil
}

func TestApplyLayerWhiteouts(t *testing.T) {
	base := imagestoretest.Tar(t,
		entry{Name: "a/", Type: tar.TypeDir},
		entry{Name: "a/old", Body: "old"},
		entry{Name: "a/sub/", Type: tar.TypeDir},
		entry{Name: "a/sub/deep", Body: "deep"},
		entry{Name: "b", Body: "b"},
		entry{Name: "c/", Type: tar.TypeDir},
		entry{Name: "c/keep", Body: "keep"},
		entry{Name: "link", Type: tar.TypeSymlink, Linkname: "b"},
		entry{Name: "hard", Type: tar.TypeLink, Linkname: "b"},
		entry{Name: "d", Body: "file becomes dir"},
	)
	upper := imagestoretest.Tar(t,
		entry{Name: "a/", Type: tar.TypeDir},
		entry{Name: "a/new", Body: "new"},
		entry{Name: "a/.wh..wh..opq"},
		entry{Name: ".wh.b"},
		entry{Name: "c/.wh.nothing"},
		entry{Name: "d/", Type: tar.TypeDir},
		entry{Name: "d/x", Body: "x"},
		entry{Name: "link", Body: "replaced symlink"},
	)
	dir := t.TempDir()
	if err := apply(t, dir, base, upper); err != nil {
		t.Fatal(err)
	}
	want := []string{"a/", "a/new = new", "c/", "c/keep = keep", "d/", "d/x = x", "hard = b", "link = replaced symlink"}
	if got := tree(t, dir); !slices.Equal(got, want) {
		t.Errorf("tree = %q\nwant   %q", got, want)
	}
}

// TestApplyLayerConfined checks that no layer writes outside the root:
// ".." names are refused, as dockerd refuses them; symbolic links resolve
// as inside the container (chroot semantics), so they cannot lead out.
func TestApplyLayerConfined(t *testing.T) {
	tests := []struct {
		name    string
		entries []entry
		want    []string // the root's tree; nil when the layer is refused
	}{
		{"dotdot", []entry{{Name: "../escaped", Body: "x"}}, nil},
		{"dotdot inside", []entry{{Name: "a/../../escaped", Body: "x"}}, nil},
		{"hardlink out", []entry{{Name: "h", Type: tar.TypeLink, Linkname: "../outside/secret"}}, nil},
		{"absolute symlink parent", []entry{{Name: "l", Type: tar.TypeSymlink, Linkname: "/"}, {Name: "l/inside", Body: "x"}},
			[]string{"inside = x", "l -> /"}},
		{"relative symlink parent", []entry{{Name: "l", Type: tar.TypeSymlink, Linkname: "../.."}, {Name: "l/inside", Body: "x"}},
			[]string{"inside = x", "l -> ../.."}},
		{"absolute directory link", []entry{{Name: "usr/lib/", Type: tar.TypeDir}, {Name: "lib", Type: tar.TypeSymlink, Linkname: "/usr/lib"}, {Name: "lib/x.so", Body: "so"}},
			[]string{"lib -> /usr/lib", "usr/", "usr/lib/", "usr/lib/x.so = so"}},
		{"hardlink through link", []entry{{Name: "d/", Type: tar.TypeDir}, {Name: "d/f", Body: "f"}, {Name: "l", Type: tar.TypeSymlink, Linkname: "/d"}, {Name: "h", Type: tar.TypeLink, Linkname: "l/f"}},
			[]string{"d/", "d/f = f", "h = f", "l -> /d"}},
		{"whiteout through symlink", []entry{{Name: "l", Type: tar.TypeSymlink, Linkname: "../outside"}, {Name: "l/.wh.secret"}},
			[]string{"l -> ../outside"}},
		{"link loop", []entry{{Name: "a", Type: tar.TypeSymlink, Linkname: "b"}, {Name: "b", Type: tar.TypeSymlink, Linkname: "a"}, {Name: "a/x", Body: "x"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			dir := filepath.Join(top, "root")
			outside := filepath.Join(top, "outside")
			for _, d := range []string{dir, outside} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			mustWrite(t, filepath.Join(outside, "secret"), "secret")
			err := apply(t, dir, imagestoretest.Tar(t, tc.entries...))
			if tc.want == nil && err == nil {
				t.Errorf("ApplyLayer accepted an escaping layer")
			}
			if tc.want != nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := tree(t, dir); !slices.Equal(got, tc.want) {
					t.Errorf("tree = %q, want %q", got, tc.want)
				}
			}
			assertOutsideIntact(t, top)
		})
	}
}

// assertOutsideIntact checks that top holds only root/ and outside/secret.
func assertOutsideIntact(t *testing.T, top string) {
	t.Helper()
	entries, err := os.ReadDir(top)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"outside", "root"}) {
		t.Fatalf("entries next to the root: %v", names)
	}
	if got := tree(t, filepath.Join(top, "outside")); !slices.Equal(got, []string{"secret = secret"}) {
		t.Fatalf("outside changed: %v", got)
	}
}

// FuzzApplyLayer checks that no layer, however built, writes outside the
// root. The input is a sequence of records: type byte, name, link name.
func FuzzApplyLayer(f *testing.F) {
	seeds := [][]string{
		{"0", "../x", ""},
		{"2", "l", "/", "0", "l/x", ""},
		{"2", "l", "../..", "0", "l/x", ""},
		{"1", "h", "../outside/secret"},
		{"5", "a/", "", "0", "a/.wh..wh..opq", "", "0", ".wh.a", ""},
		{"5", "a/", "", "2", "a/b", "../../outside", "0", "a/b/secret", ""},
		{"2", "a", ".", "2", "a/b", "..", "0", "a/b/c", ""},
	}
	for _, s := range seeds {
		f.Add(encodeRecords(s...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs := decodeRecords(data)
		if len(recs) == 0 || len(recs) > 16 {
			return
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, r := range recs {
			hdr := &tar.Header{Name: r[1], Linkname: r[2], Mode: 0o755, Typeflag: r[0][0]}
			if hdr.Typeflag == tar.TypeReg {
				hdr.Size = 1
			}
			if tw.WriteHeader(hdr) != nil {
				return
			}
			if hdr.Typeflag == tar.TypeReg {
				tw.Write([]byte("x"))
			}
		}
		if tw.Close() != nil {
			return
		}
		top := t.TempDir()
		for _, d := range []string{"root", "outside"} {
			if err := os.Mkdir(filepath.Join(top, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		mustWrite(t, filepath.Join(top, "outside", "secret"), "secret")
		_ = apply(t, filepath.Join(top, "root"), buf.Bytes())
		assertOutsideIntact(t, top)
	})
}

// encodeRecords packs (type, name, link) triples with length prefixes.
func encodeRecords(recs ...string) []byte {
	var b []byte
	for _, s := range recs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func decodeRecords(b []byte) [][3]string {
	var fields []string
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			break
		}
		fields = append(fields, string(b[k:k+int(n)]))
		b = b[k+int(n):]
	}
	var out [][3]string
	for i := 0; i+2 < len(fields); i += 3 {
		typ := fields[i]
		if typ == "" {
			typ = "0"
		}
		out = append(out, [3]string{typ[:1], fields[i+1], fields[i+2]})
	}
	return out
}

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
