package images_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// testRegistry is an in-process registry, optionally behind basic auth.
type testRegistry struct {
	host string // 127.0.0.1:port
}

func newRegistry(t *testing.T, user, pass string) *testRegistry {
	t.Helper()
	reg := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	h := reg
	if user != "" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			reg.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testRegistry{host: srv.Listener.Addr().String()}
}

// busyboxImage is the busybox root file system as a registry image.
func busyboxImage(t *testing.T, arch string, cmd ...string) v1.Image {
	t.Helper()
	// Compressed once here: given a tar, go-containerregistry would
	// compress it again for every digest, size and upload.
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(imagestoretest.RootFS(t))
	zw.Close()
	data := gz.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Config.Cmd = "linux", arch, cmd
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func (r *testRegistry) push(t *testing.T, ref string, img v1.Image, opts ...remote.Option) v1.Hash {
	t.Helper()
	tag, err := name.ParseReference(r.host + "/" + ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, opts...); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d
}

func (r *testRegistry) pushIndex(t *testing.T, ref string, imgs map[string]v1.Image) v1.Hash {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	for arch, img := range imgs {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	tag, _ := name.ParseReference(r.host + "/" + ref)
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	return d
}

// pull runs ImagePull and returns the status lines.
func (e *env) pull(t *testing.T, ref string, opts client.ImagePullOptions) ([]jsonstream.Message, error) {
	t.Helper()
	resp, err := e.cli.ImagePull(t.Context(), ref, opts)
	if err != nil {
		return nil, err
	}
	defer resp.Close()
	var msgs []jsonstream.Message
	for m, err := range resp.JSONMessages(t.Context()) {
		if err != nil {
			return msgs, err
		}
		if m.Error != nil {
			return msgs, m.Error
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

func statuses(msgs []jsonstream.Message) []string {
	var out []string
	for _, m := range msgs {
		if m.Status == "Downloading" {
			continue
		}
		s := m.Status
		if m.ID != "" {
			s = m.ID + ": " + s
		}
		out = append(out, s)
	}
	return out
}

func TestPull(t *testing.T) {
	reg := newRegistry(t, "", "")
	img := busyboxImage(t, "amd64", "sh")
	digest := reg.push(t, "test/busybox:1", img)
	cfg, _ := img.ConfigName()
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	short := ld.Hex[:12]
	ref := reg.host + "/test/busybox:1"

	e := newEnv(t, "")
	msgs, err := e.pull(t, ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1: Pulling from test/busybox", short + ": Pulling fs layer", short + ": Verifying Checksum", short + ": Download complete",
		short + ": Pull complete", "Digest: " + digest.String(), "Status: Downloaded newer image for " + ref,
	}
	if got := statuses(msgs); !slices.Equal(got, want) {
		t.Errorf("pull messages:\n%q\nwant\n%q", got, want)
	}
	got, err := e.cli.ImageInspect(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "sha256:"+cfg.Hex || !slices.Equal(got.RepoDigests, []string{reg.host + "/test/busybox@" + digest.String()}) ||
		got.Size != imagestoretest.RootFSSize(t) || !slices.Equal(got.Config.Cmd, []string{"sh"}) {
		t.Errorf("pulled image = %+v", got.InspectResponse)
	}
	if err := e.store.Unpack(t.Context(), got.ID, filepath.Join(t.TempDir(), "rootfs")); err != nil {
		t.Fatal(err)
	}

	msgs, err = e.pull(t, ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"1: Pulling from test/busybox", "Digest: " + digest.String(), "Status: Image is up to date for " + ref}
	if got := statuses(msgs); !slices.Equal(got, want) {
		t.Errorf("second pull:\n%q\nwant\n%q", got, want)
	}

	// By digest: no tag is added.
	e2 := newEnv(t, "")
	if _, err := e2.pull(t, reg.host+"/test/busybox@"+digest.String(), client.ImagePullOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err = e2.cli.ImageInspect(t.Context(), cfg.Hex)
	if err != nil || len(got.RepoTags) != 0 || len(got.RepoDigests) != 1 {
		t.Errorf("pull by digest: %+v, %v", got.InspectResponse, err)
	}
}

func TestPullPlatform(t *testing.T) {
	reg := newRegistry(t, "", "")
	amd, arm := busyboxImage(t, "amd64", "amd"), busyboxImage(t, "arm64", "arm")
	idx := reg.pushIndex(t, "multi:1", map[string]v1.Image{"amd64": amd, "arm64": arm})
	e := newEnv(t, "")
	for _, tc := range []struct {
		platform string
		cmd      string
	}{{"linux/arm64", "arm"}, {"linux/amd64", "amd"}} {
		p := strings.Split(tc.platform, "/")
		msgs, err := e.pull(t, reg.host+"/multi:1", client.ImagePullOptions{Platforms: []ocispec.Platform{{OS: p[0], Architecture: p[1]}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(statuses(msgs), "Digest: "+idx.String()) {
			t.Errorf("messages %q lack the index digest", statuses(msgs))
		}
		got, err := e.cli.ImageInspect(t.Context(), reg.host+"/multi:1")
		if err != nil || !slices.Equal(got.Config.Cmd, []string{tc.cmd}) || got.Architecture != p[1] {
			t.Errorf("%s: %+v, %v", tc.platform, got.InspectResponse, err)
		}
	}
	_, err := e.pull(t, reg.host+"/multi:1", client.ImagePullOptions{Platforms: []ocispec.Platform{{OS: "linux", Architecture: "s390x"}}})
	if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "no matching manifest for linux/s390x in the manifest list entries") {
		t.Errorf("pull s390x = %v", err)
	}
	reg.push(t, "single:1", arm)
	_, err = e.pull(t, reg.host+"/single:1", client.ImagePullOptions{Platforms: []ocispec.Platform{{OS: "linux", Architecture: "amd64"}}})
	if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64") {
		t.Errorf("pull single-platform image for another platform = %v", err)
	}
}

func TestPullErrors(t *testing.T) {
	reg := newRegistry(t, "", "")
	reg.push(t, "test/busybox:1", busyboxImage(t, "amd64"))
	closed := closedAddr(t)
	e := newEnv(t, "")
	tests := []struct {
		ref  string
		is   func(error) bool
		want string
	}{
		{reg.host + "/test/busybox:nope", errdefs.IsNotFound, "manifest for " + reg.host + "/test/busybox:nope not found: manifest unknown: "},
		{reg.host + "/nope:1", errdefs.IsNotFound, "repository " + reg.host + "/nope not found: name unknown: Unknown name"},
		{closed + "/x:1", errdefs.IsInternal, "connection refused"},
		{"scratch", errdefs.IsPermissionDenied, "'scratch' is a reserved name"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			_, err := e.pull(t, tc.ref, client.ImagePullOptions{})
			if !tc.is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("pull %s = %v (%T), want %q", tc.ref, err, err, tc.want)
			}
		})
	}
	if len(e.store.List(t.Context())) != 0 {
		t.Error("failed pulls left images")
	}
}

func TestPullAuth(t *testing.T) {
	reg := newRegistry(t, "me", "secret")
	reg.push(t, "private:1", busyboxImage(t, "amd64"), remote.WithAuth(&authn.Basic{Username: "me", Password: "secret"}))
	e := newEnv(t, "")
	ref := reg.host + "/private:1"
	if _, err := e.pull(t, ref, client.ImagePullOptions{}); !errdefs.IsNotFound(err) ||
		!strings.Contains(err.Error(), "pull access denied for "+reg.host+"/private, repository does not exist or may require 'docker login'") {
		t.Errorf("pull without credentials = %v", err)
	}
	auth, _ := json.Marshal(map[string]string{"username": "me", "password": "secret", "serveraddress": reg.host})
	if _, err := e.pull(t, ref, client.ImagePullOptions{RegistryAuth: base64.URLEncoding.EncodeToString(auth)}); err != nil {
		t.Errorf("pull with credentials: %v", err)
	}

	// Without a header, the daemon user's docker configuration is used.
	cfgDir := t.TempDir()
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, reg.host, base64.StdEncoding.EncodeToString([]byte("me:secret")))
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfgDir)
	e2 := newEnv(t, "")
	if _, err := e2.pull(t, ref, client.ImagePullOptions{}); err != nil {
		t.Errorf("pull with ~/.docker/config.json: %v", err)
	}
}

func TestPullMirror(t *testing.T) {
	reg := newRegistry(t, "", "")
	reg.push(t, "library/busybox:mirrored", busyboxImage(t, "amd64"))
	e := newEnvWith(t, "", imagestore.Options{Mirrors: []string{"http://" + reg.host}})
	msgs, err := e.pull(t, "busybox:mirrored", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(statuses(msgs), "Status: Downloaded newer image for busybox:mirrored") {
		t.Errorf("messages %q", statuses(msgs))
	}
	if _, err := e.cli.ImageInspect(t.Context(), "docker.io/library/busybox:mirrored"); err != nil {
		t.Error(err)
	}
}

func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestPullManyLayers checks dockerd's ordering: all layers announced,
// those beyond three downloads waiting, "Pull complete" in layer order.
func TestPullManyLayers(t *testing.T) {
	reg := newRegistry(t, "", "")
	img := v1.Image(empty.Image)
	var want []string
	for i := range 5 {
		data := imagestoretest.Tar(t, imagestoretest.Entry{Name: fmt.Sprintf("f%d", i), Body: strings.Repeat("x", 1000*(5-i))})
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
		if err != nil {
			t.Fatal(err)
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			t.Fatal(err)
		}
		d, _ := l.Digest()
		want = append(want, d.Hex[:12]+": Pull complete")
	}
	reg.push(t, "many:1", img)
	e := newEnv(t, "")
	msgs, err := e.pull(t, reg.host+"/many:1", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var complete []string
	waiting := 0
	for _, s := range statuses(msgs) {
		if strings.HasSuffix(s, ": Pull complete") {
			complete = append(complete, s)
		}
		if strings.HasSuffix(s, ": Waiting") {
			waiting++
		}
	}
	if !slices.Equal(complete, want) || waiting != 2 {
		t.Errorf("complete %q (want %q), %d waiting", complete, want, waiting)
	}
	dir := filepath.Join(t.TempDir(), "r")
	ins, _ := e.cli.ImageInspect(t.Context(), reg.host+"/many:1")
	if err := e.store.Unpack(t.Context(), ins.ID, dir); err != nil {
		t.Fatal(err)
	}
}
