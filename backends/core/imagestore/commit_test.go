package imagestore_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/go-cmp/cmp"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// TestCommit follows what dockerd 20.10 did for docker commit of a
// container that changed nothing, and for one that wrote a file.
func TestCommit(t *testing.T) {
	s := open(t, t.TempDir(), imagestore.Options{})
	base := importBusybox(t, s, "bb2")
	named, _ := reference.ParseNormalizedNamed("committed:1")
	opts := imagestore.CommitOptions{
		Ref: named, Author: "me", Comment: "msg", Changes: []string{`CMD ["echo","hi"]`}, CreatedBy: "sh",
		Config: dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{Cmd: []string{"sh"}, Env: []string{"A=b"}}},
	}
	empty, err := s.Commit(t.Context(), base.ID, bytes.NewReader(imagestoretest.Tar(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Parent != base.ID || len(empty.Layers) != 1 || len(empty.Config.History) != 2 || !empty.Config.History[1].EmptyLayer ||
		!slices.Equal(empty.Config.Config.Cmd, []string{"echo", "hi"}) || !slices.Equal(empty.Config.Config.Env, []string{"A=b"}) ||
		empty.Config.Author != "me" {
		t.Errorf("commit of an unchanged container = %+v", empty)
	}
	h, err := s.History(t.Context(), "committed:1")
	if err != nil {
		t.Fatal(err)
	}
	want := []image.HistoryResponseItem{
		{ID: empty.ID, Created: empty.Created.Unix(), CreatedBy: "sh", Comment: "msg", Tags: []string{"committed:1"}},
		{ID: base.ID, Created: base.Created.Unix(), Comment: "Imported from -", Size: base.Size, Tags: []string{"bb2:latest"}},
	}
	if d := cmp.Diff(want, h); d != "" {
		t.Errorf("history (-want +got):\n%s", d)
	}

	if _, err := s.Delete(t.Context(), base.ID, true, true); err == nil ||
		err.Error() != "conflict: unable to delete "+base.ID[7:19]+" (cannot be forced) - image has dependent child images" {
		t.Errorf("delete parent = %v", err)
	}
	if recs, err := s.Delete(t.Context(), "bb2", false, true); err != nil || len(recs) != 1 || recs[0].Untagged != "bb2:latest" {
		t.Errorf("untag parent = %+v, %v", recs, err)
	}
	if !s.HasChildren(base.ID) {
		t.Error("parent has no children")
	}
	recs, err := s.Delete(t.Context(), "committed:1", false, true)
	wantRecs := []image.DeleteResponse{{Untagged: "committed:1"}, {Deleted: empty.ID}, {Deleted: base.ID}}
	if d := cmp.Diff(wantRecs, recs); err != nil || d != "" {
		t.Errorf("delete child with prune (-want +got):\n%s %v", d, err)
	}

	// A commit that wrote a file adds a layer.
	base = importBusybox(t, s, "bb2")
	grown, err := s.Commit(t.Context(), base.ID, bytes.NewReader(imagestoretest.Tar(t, entry{Name: "hello", Body: "hi"})), imagestore.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(grown.Layers) != 2 || grown.Size != base.Size+2 || len(grown.RepoTags) != 0 || grown.Config.History[1].EmptyLayer {
		t.Errorf("commit with a change = %+v", grown)
	}
	if _, err := s.Commit(t.Context(), "nope", bytes.NewReader(imagestoretest.Tar(t)), imagestore.CommitOptions{}); err == nil {
		t.Error("commit on a missing parent succeeded")
	}
	if _, err := s.Commit(t.Context(), base.ID, bytes.NewReader(imagestoretest.Tar(t)), imagestore.CommitOptions{Changes: []string{"RUN x"}}); err == nil {
		t.Error("commit with an invalid change succeeded")
	}
}
