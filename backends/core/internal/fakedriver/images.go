package fakedriver

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Images is a fake image store holding "busybox" (Cmd ["sh"], a label and
// an Env) and "web" (Entrypoint ["echo", "web"], Cmd ["default"]).
type Images struct{}

// Image IDs of the fake images.
const (
	BusyboxID = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	WebID     = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// Resolve implements the engine's image lookup.
func (Images) Resolve(_ context.Context, ref string) (imagestore.Image, error) {
	name := strings.TrimSuffix(ref, ":latest")
	switch {
	case name == "busybox" || ref == BusyboxID:
		return imagestore.Image{ID: BusyboxID, RepoTags: []string{"busybox:latest"}, Size: 5,
			Config: dockerspec.DockerOCIImage{Config: dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
				Cmd: []string{"sh"}, Env: []string{"PATH=/bin", "FROM_IMAGE=1"}, Labels: map[string]string{"from": "image"},
			}}}}, nil
	case name == "web" || ref == WebID:
		return imagestore.Image{ID: WebID, RepoTags: []string{"web:latest"},
			Config: dockerspec.DockerOCIImage{Config: dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
				Entrypoint: []string{"echo", "web"}, Cmd: []string{"default"}, WorkingDir: "/srv", StopSignal: "SIGINT",
			}}}}, nil
	}
	return imagestore.Image{}, errdefs.ErrNotFound.WithMessage("No such image: " + ref)
}

// Unpack writes a marker file into dir.
func (Images) Unpack(_ context.Context, imageID, dir string) error {
	return os.WriteFile(filepath.Join(dir, "image-id"), []byte(imageID), 0o644)
}
