package imagestore_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

func load(t *testing.T, s *imagestore.Store, archive []byte) ([]string, error) {
	t.Helper()
	var msgs []string
	err := s.Load(t.Context(), bytes.NewReader(archive), func(p imagestore.Progress) {
		if p.Line != "" {
			msgs = append(msgs, p.Line)
		}
	})
	return msgs, err
}

func TestSaveLoadRoundTrip(t *testing.T) {
	src := open(t, t.TempDir(), imagestore.Options{})
	img := importBusybox(t, src, "busybox:local", `CMD ["sh"]`)
	untagged := importBusybox(t, src, "", "CMD other")
	var buf bytes.Buffer
	if err := src.Save(t.Context(), &buf, []string{"busybox:local", untagged.ID[7:19]}); err != nil {
		t.Fatal(err)
	}
	names := tarNames(t, buf.Bytes())
	for _, want := range []string{"index.json", "manifest.json", "oci-layout", "repositories", "blobs/sha256/" + img.ID[7:]} {
		if !slices.Contains(names, want) {
			t.Errorf("save has no %s: %v", want, names)
		}
	}

	for _, tc := range []struct {
		name    string
		archive []byte
	}{
		{"docker save", buf.Bytes()},
		{"gzip", gzipped(t, buf.Bytes())},
		{"oci layout only", without(t, buf.Bytes(), "manifest.json")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := open(t, t.TempDir(), imagestore.Options{})
			msgs, err := load(t, dst, tc.archive)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(msgs, "Loaded image: busybox:local") {
				t.Errorf("messages = %q", msgs)
			}
			got, err := dst.Resolve(t.Context(), "busybox:local")
			if err != nil || got.ID != img.ID || got.Size != img.Size {
				t.Fatalf("loaded %+v, %v", got, err)
			}
			if err := dst.Unpack(t.Context(), got.ID, filepath.Join(t.TempDir(), "r")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadRenamesOldImage(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	importBusybox(t, s, "busybox:local")
	other := open(t, t.TempDir(), imagestore.Options{})
	importBusybox(t, other, "busybox:local", "CMD new")
	var buf bytes.Buffer
	if err := other.Save(t.Context(), &buf, []string{"busybox:local"}); err != nil {
		t.Fatal(err)
	}
	old, _ := s.Resolve(t.Context(), "busybox:local")
	msgs, err := load(t, s, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"The image busybox:local already exists, renaming the old one with ID " + old.ID + " to empty string", "Loaded image: busybox:local"}
	if !slices.Equal(msgs, want) {
		t.Errorf("messages = %q", msgs)
	}
}

// TestLoadLegacy loads the format dockerd 20.10 writes: <id>/layer.tar (a
// symbolic link for a layer shared with another image), <config>.json.
func TestLoadLegacy(t *testing.T) {
	layer := imagestoretest.RootFS(t)
	s := open(t, t.TempDir(), imagestore.Options{})
	diffID := "sha256:" + sha256hex(layer)
	config := []byte(`{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["` + diffID + `"]},"comment":"hello","docker_version":"20.10.24+dfsg1"}`)
	cfgHex := sha256hex(config)
	manifest := `[{"Config":"` + cfgHex + `.json","RepoTags":["bb:t1"],"Layers":["aaaa/layer.tar"]},{"Config":"` + cfgHex + `.json","RepoTags":null,"Layers":["bbbb/layer.tar"]}]`
	archive := imagestoretest.Tar(t,
		entry{Name: "aaaa/", Type: tar.TypeDir},
		entry{Name: "aaaa/layer.tar", Body: string(layer)},
		entry{Name: "bbbb/", Type: tar.TypeDir},
		entry{Name: "bbbb/layer.tar", Type: tar.TypeSymlink, Linkname: "../aaaa/layer.tar"},
		entry{Name: cfgHex + ".json", Body: string(config)},
		entry{Name: "manifest.json", Body: manifest},
		entry{Name: "repositories", Body: `{"bb":{"t1":"aaaa"}}`},
	)
	msgs, err := load(t, s, archive)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(msgs, []string{"Loaded image: bb:t1", "Loaded image ID: sha256:" + cfgHex}) {
		t.Errorf("messages = %q", msgs)
	}
	img, err := s.Resolve(t.Context(), "bb:t1")
	if err != nil || img.ID != "sha256:"+cfgHex || img.Layers[0].DiffID != diffID || img.Comment != "hello" || img.DockerVersion != "20.10.24+dfsg1" {
		t.Fatalf("Resolve = %+v, %v", img, err)
	}
}

func TestLoadErrors(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	badDiff := imagestoretest.Tar(t,
		entry{Name: "l.tar", Body: string(imagestoretest.Tar(t, entry{Name: "f", Body: "x"}))},
		entry{Name: "c.json", Body: `{"rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}`},
		entry{Name: "manifest.json", Body: `[{"Config":"c.json","Layers":["l.tar"]}]`},
	)
	tests := []struct {
		name, archive, want string
	}{
		{"not a tar", "garbage", "Error processing tar file: unexpected EOF"},
		{"empty", string(imagestoretest.Tar(t)), "invalid image archive: neither manifest.json nor index.json found"},
		{"escape", string(imagestoretest.Tar(t, entry{Name: "../x", Body: "x"})), `invalid tar entry "../x": path escapes the root`},
		{"missing config", string(imagestoretest.Tar(t, entry{Name: "manifest.json", Body: `[{"Config":"c.json"}]`})), "invalid image archive: c.json not found"},
		{"wrong diff id", string(badDiff), `invalid diffID for layer 0: expected "sha256:0000000000000000000000000000000000000000000000000000000000000000"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, s, []byte(tc.archive))
			if !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want %q", err, tc.want)
			}
		})
	}
	if len(s.List(t.Context())) != 0 {
		t.Error("failed loads left images")
	}
}

func tarNames(t *testing.T, archive []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

// without copies archive leaving out one file.
func without(t *testing.T, archive []byte, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Name == name {
			continue
		}
		tw.WriteHeader(hdr)
		io.Copy(tw, tr)
	}
	tw.Close()
	return buf.Bytes()
}

func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestCompressedLayerCache loads an image with a gzip layer: unpacking it
// fills the decompressed-layer cache, deleting the image empties it.
func TestCompressedLayerCache(t *testing.T) {
	layer := imagestoretest.RootFS(t)
	diffID := "sha256:" + sha256hex(layer)
	config := `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["` + diffID + `"]}}`
	archive := imagestoretest.Tar(t,
		entry{Name: "layer.tar.gz", Body: string(gzipped(t, layer))},
		entry{Name: "c.json", Body: config},
		entry{Name: "manifest.json", Body: `[{"Config":"c.json","RepoTags":["gz:1"],"Layers":["layer.tar.gz"]}]`},
	)
	dir := t.TempDir()
	s := open(t, dir, imagestore.Options{})
	if _, err := load(t, s, archive); err != nil {
		t.Fatal(err)
	}
	img, err := s.Resolve(t.Context(), "gz:1")
	if err != nil || img.Layers[0].MediaType != "application/vnd.oci.image.layer.v1.tar+gzip" || img.Layers[0].Digest == diffID {
		t.Fatalf("loaded %+v, %v", img.Layers, err)
	}
	cache := filepath.Join(dir, "layers", diffID[7:])
	for range 2 {
		if err := s.Unpack(t.Context(), img.ID, filepath.Join(t.TempDir(), "r")); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(cache); err != nil {
			t.Fatalf("no cached layer: %v", err)
		}
	}
	if _, err := s.Delete(t.Context(), "gz:1", false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("cached layer of a deleted image kept: %v", err)
	}
}

// FuzzLoad feeds arbitrary archives to Load: it must fail cleanly, leave
// no temporary directory and no half-loaded image.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("garbage"))
	f.Add(imagestoretest.Tar(f, entry{Name: "manifest.json", Body: `[{"Config":"../c.json","Layers":["/etc/passwd"]}]`}))
	f.Add(imagestoretest.Tar(f, entry{Name: "index.json", Body: `{"manifests":[{"digest":"sha256:00","mediaType":"application/vnd.oci.image.index.v1+json"}]}`}))
	f.Add(imagestoretest.Tar(f, entry{Name: "l", Type: tar.TypeSymlink, Linkname: "/"}, entry{Name: "manifest.json", Body: `[{"Config":"l/etc/hostname"}]`}))
	dir := f.TempDir()
	s := open(f, dir, imagestore.Options{})
	f.Fuzz(func(t *testing.T, archive []byte) {
		err := s.Load(t.Context(), bytes.NewReader(archive), func(imagestore.Progress) {})
		if err == nil {
			return
		}
		if n := len(s.List(t.Context())); n != 0 {
			t.Fatalf("failed load left %d images", n)
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(tmps) != 0 {
			t.Fatalf("temporary directories left: %v", tmps)
		}
	})
}
