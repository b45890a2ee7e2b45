package imagestore_test

import (
	"archive/tar"
	"bytes"
	"io"
	"log"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

func BenchmarkUnpack(b *testing.B) {
	s := open(b, b.TempDir(), imagestore.Options{})
	img := importBusybox(b, s, "busybox:local")
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.Unpack(b.Context(), img.ID, filepath.Join(dir, strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPull50MB pulls a 50 MB image of five gzip layers (random data,
// 10 MB each) from a registry on 127.0.0.1 into a fresh store, beside
// `crane pull --format=oci` of the same image in the same run (issue 2's
// target: within 1.5x of crane).
func BenchmarkPull50MB(b *testing.B) {
	ref := seedLargeImage(b, 5, 10<<20)
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sockerless", func(b *testing.B) {
		b.SetBytes(50 << 20)
		for b.Loop() {
			b.StopTimer()
			s := open(b, b.TempDir(), imagestore.Options{})
			b.StartTimer()
			if _, err := s.Pull(b.Context(), named, imagestore.PullOptions{}, func(imagestore.Progress) {}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crane", func(b *testing.B) {
		crane, err := exec.LookPath("crane")
		if err != nil {
			crane = filepath.Join(os.Getenv("HOME"), "go", "bin", "crane")
			if _, err := os.Stat(crane); err != nil {
				b.Skip("crane is not installed: go install github.com/google/go-containerregistry/cmd/crane@v0.22.1")
			}
		}
		b.SetBytes(50 << 20)
		for b.Loop() {
			b.StopTimer()
			out := filepath.Join(b.TempDir(), "oci")
			b.StartTimer()
			if o, err := exec.CommandContext(b.Context(), crane, "pull", "--insecure", "--format=oci", ref, out).CombinedOutput(); err != nil {
				b.Fatalf("crane pull: %v\n%s", err, o)
			}
		}
	})
}

// seedLargeImage pushes an image of n gzip layers of size random bytes to
// a registry on 127.0.0.1 and returns its reference.
func seedLargeImage(b *testing.B, n int, size int64) string {
	srv := httptest.NewServer(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))
	b.Cleanup(srv.Close)
	rng := rand.New(rand.NewPCG(1, 2))
	img := empty.Image
	for i := range n {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		tw.WriteHeader(&tar.Header{Name: "layer" + strconv.Itoa(i) + ".bin", Mode: 0o644, Size: size, Typeflag: tar.TypeReg})
		tw.Write(data)
		tw.Close()
		raw := buf.Bytes()
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
		if err != nil {
			b.Fatal(err)
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			b.Fatal(err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		b.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		b.Fatal(err)
	}
	ref := strings.TrimPrefix(srv.URL, "http://") + "/big:1"
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		b.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		b.Fatal(err)
	}
	return ref
}
