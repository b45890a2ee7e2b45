package server

import (
	"archive/tar"
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/backendapi"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// TestCommitWithImageStore runs the core over the real image store: a
// container created from an imported image, changed, and committed.
func TestCommitWithImageStore(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	var eng *engine.Engine
	imgs, err := imagestore.Open(ctx, filepath.Join(dir, "images"), imagestore.Options{
		UsedBy: func(id string) []string { return eng.UsedBy(id) }, Events: bus})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := reference.ParseNormalizedNamed("busybox:latest")
	if _, err := imgs.Import(ctx, bytes.NewReader(imagestoretest.RootFS(t)), imagestore.ImportOptions{Ref: ref, Changes: []string{`CMD ["sh"]`}, Source: "-"}); err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	nets, _ := networks.Open(ctx, st, drv.Name)
	eng, err = engine.Open(ctx, engine.Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: imgs, Networks: nets, Events: bus, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	srv := httptest.NewServer(NewHandler(HandlerOptions{Engine: eng, Images: imgs, Networks: nets, Events: bus,
		Tracker: streams.NewTracker(), Token: token, Logger: zerolog.Nop(), DataDir: dir}))
	defer srv.Close()
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()),
		client.WithHTTPHeaders(map[string]string{backendapi.TokenHeader: token}), client.WithAPIVersion("1.51"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "busybox", Cmd: []string{"sleep"}}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "note.txt", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
	tw.Write([]byte("hi"))
	tw.Close()
	if _, err := cli.CopyToContainer(ctx, res.ID, client.CopyToContainerOptions{DestinationPath: "/tmp", Content: &buf}); err != nil {
		t.Fatal(err)
	}
	cm, err := cli.ContainerCommit(ctx, res.ID, client.ContainerCommitOptions{Reference: "snap:v1", Changes: []string{"ENV X=1"}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := imgs.Resolve(ctx, "snap:v1")
	if err != nil || img.ID != cm.ID {
		t.Fatalf("committed image %+v %v", img.ID, err)
	}
	if len(img.Layers) != 2 || len(img.Config.Config.Cmd) != 1 || img.Config.Config.Env[len(img.Config.Config.Env)-1] != "X=1" {
		t.Fatalf("layers %d config %+v", len(img.Layers), img.Config.Config)
	}
	// A container of the new image has the committed file.
	res2, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "snap:v1"}})
	if err != nil {
		t.Fatal(err)
	}
	st2, err := cli.ContainerStatPath(ctx, res2.ID, client.ContainerStatPathOptions{Path: "/tmp/note.txt"})
	if err != nil || st2.Stat.Size != 2 {
		t.Fatalf("committed file %+v %v", st2, err)
	}
	if _, err := cli.ImageRemove(ctx, "busybox", client.ImageRemoveOptions{}); err == nil {
		t.Fatal("removing an image a container uses must fail")
	}
}
