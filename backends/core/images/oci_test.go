package images_test

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// TestLoadOCILayout loads an OCI image layout written by
// go-containerregistry (a multi-platform index whose ref.name is a bare
// tag): the image of our platform is loaded untagged, manifest kept.
func TestLoadOCILayout(t *testing.T) {
	amd, arm := busyboxImage(t, "amd64", "amd"), busyboxImage(t, "arm64", "arm")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "latest"})); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "")
	lr, err := e.cli.ImageLoad(t.Context(), bytes.NewReader(tarDir(t, dir)))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(lr)
	lr.Close()
	cfg, _ := amd.ConfigName()
	if !strings.Contains(string(out), "Loaded image ID: sha256:"+cfg.Hex) {
		t.Fatalf("load answered %q", out)
	}
	ins, err := e.cli.ImageInspect(t.Context(), cfg.Hex)
	if err != nil || ins.Architecture != "amd64" || len(ins.RepoTags) != 0 {
		t.Fatalf("loaded %+v, %v", ins.InspectResponse, err)
	}
	// The manifest was kept: saving writes the same manifest blob.
	md, _ := amd.Digest()
	rc, err := e.cli.ImageSave(t.Context(), []string{cfg.Hex})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Contains(data, []byte("blobs/sha256/"+md.Hex)) {
		t.Error("saved archive lacks the loaded manifest")
	}
}

// tarDir archives dir's regular files and directories.
func tarDir(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		hdr, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			_, err = tw.Write(data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	return buf.Bytes()
}
