package build

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
)

// fixture is a builder over the real engine and image store, with the
// fake driver (whose processes understand echo, stderr and exit), served
// by POST /build to the moby client.
type fixture struct {
	images *imagestore.Store
	engine *engine.Engine
	cli    *client.Client
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := t.Context()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	var eng *engine.Engine
	imgs, err := imagestore.Open(ctx, filepath.Join(dir, "images"), imagestore.Options{
		UsedBy: func(id string) []string { return eng.UsedBy(id) }})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := reference.ParseNormalizedNamed("busybox:latest")
	rootfs := imagestoretest.Tar(t, imagestoretest.Entry{Name: "etc/", Type: tar.TypeDir},
		imagestoretest.Entry{Name: "etc/passwd", Body: "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"},
		imagestoretest.Entry{Name: "etc/group", Body: "root:x:0:\nstaff:x:50:\n"},
		imagestoretest.Entry{Name: "data/", Type: tar.TypeDir},
		imagestoretest.Entry{Name: "data/in-image.txt", Body: "from the image\n"})
	if _, err := imgs.Import(ctx, bytes.NewReader(rootfs), imagestore.ImportOptions{Ref: ref, Changes: []string{`CMD ["sh"]`}, Source: "-"}); err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	nets, err := networks.Open(ctx, st, drv.Name)
	if err != nil {
		t.Fatal(err)
	}
	eng, err = engine.Open(ctx, engine.Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: imgs, Networks: nets, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	mux := http.NewServeMux()
	Register(mux, New(eng, imgs, t.TempDir()))
	srv := httptest.NewServer(httpx.StripVersion(mux))
	t.Cleanup(srv.Close)
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()),
		client.WithAPIVersion("1.51"))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{images: imgs, engine: eng, cli: cli}
}

// contextTar is a build context of name -> content.
func contextTar(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var entries []imagestoretest.Entry
	for name, body := range files {
		entries = append(entries, imagestoretest.Entry{Name: name, Body: body})
	}
	return imagestoretest.Tar(t, entries...)
}

// build runs a build and returns its stream text and in-band error.
func (f *fixture) build(t testing.TB, files map[string]string, opts client.ImageBuildOptions) (string, *jsonstream.Error, error) {
	t.Helper()
	opts.Context = bytes.NewReader(contextTar(t, files))
	res, err := f.cli.ImageBuild(t.Context(), opts.Context, opts)
	if err != nil {
		return "", nil, err
	}
	defer res.Body.Close()
	var text strings.Builder
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return text.String(), nil, nil
		} else if err != nil {
			t.Fatal(err)
		}
		text.WriteString(m.Stream)
		if m.Error != nil {
			return text.String(), m.Error, nil
		}
	}
}

func (f *fixture) image(t testing.TB, ref string) imagestore.Image {
	t.Helper()
	img, err := f.images.Resolve(context.WithoutCancel(t.Context()), ref)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// layerEntry returns the header of name in the image's layers (docker
// save's archive), the topmost layer first; nil when no layer has it.
func (f *fixture) layerEntry(t *testing.T, ref, name string) *tar.Header {
	t.Helper()
	var buf bytes.Buffer
	if err := f.images.Save(t.Context(), &buf, []string{ref}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(tr)
		files[hdr.Name] = data
	}
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json: %v", err)
	}
	layers := manifest[0].Layers
	for i := len(layers) - 1; i >= 0; i-- {
		lr := tar.NewReader(bytes.NewReader(files[layers[i]]))
		for {
			hdr, err := lr.Next()
			if err != nil {
				break
			}
			if hdr.Name == name {
				return hdr
			}
		}
	}
	return nil
}

// TestBuildCancelled: a client that goes away during a RUN takes the
// step's container with it, as dockerd kills and removes it.
func TestBuildCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tarball := contextTar(t, map[string]string{"Dockerfile": "FROM busybox\nRUN [\"sleep\", \"30\"]\n"})
	res, err := f.cli.ImageBuild(ctx, bytes.NewReader(tarball), client.ImageBuildOptions{Remove: true})
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("stream ended before the RUN started: %v", err)
		}
		if strings.HasPrefix(m.Stream, " ---> Running in ") {
			break
		}
	}
	cancel()
	res.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cs, err := f.engine.List(t.Context(), engine.ListOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the RUN container outlived the cancelled build: %+v", cs[0].State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
