package imagestore_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/image"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// containers is a fake container engine: image ID -> containers, and which run.
type containers struct {
	using   map[string][]string
	running map[string]bool
}

func (c *containers) options() imagestore.Options {
	return imagestore.Options{
		UsedBy:  func(id string) []string { return c.using[id] },
		Running: func(id string) bool { return c.running[id] },
	}
}

const (
	ctrStopped = "7f5f840c780c0000000000000000000000000000000000000000000000000000"
	ctrRunning = "0cf0d6359bdd0000000000000000000000000000000000000000000000000000"
)

// TestDelete follows what dockerd 20.10 answered for the same sequence.
func TestDelete(t *testing.T) {
	type step struct {
		ref        string
		force      bool
		want       []image.DeleteResponse
		wantErr    string
		tagged     []string // the image's tags afterwards
		wantExists bool
	}
	tests := []struct {
		name    string
		tags    []string
		running bool // the container using the image runs
		used    bool
		steps   []step
	}{
		{name: "unused single tag", tags: []string{"bb:t1"}, steps: []step{
			{ref: "bb:t1", want: []image.DeleteResponse{{Untagged: "bb:t1"}, {Deleted: "ID"}}},
		}},
		{name: "by ID removes its tag", tags: []string{"bb:t1"}, steps: []step{
			{ref: "SHORT", want: []image.DeleteResponse{{Untagged: "bb:t1"}, {Deleted: "ID"}}},
		}},
		{name: "stopped container", tags: []string{"bb:t1"}, used: true, steps: []step{
			{ref: "bb:t1", wantErr: `conflict: unable to remove repository reference "bb:t1" (must force) - container 7f5f840c780c is using its referenced image SHORT`, tagged: []string{"bb:t1"}, wantExists: true},
			{ref: "SHORT", wantErr: "conflict: unable to delete SHORT (must be forced) - image is being used by stopped container 7f5f840c780c", tagged: []string{"bb:t1"}, wantExists: true},
			{ref: "SHORT", force: true, want: []image.DeleteResponse{{Untagged: "bb:t1"}, {Deleted: "ID"}}},
		}},
		{name: "two tags and a stopped container", tags: []string{"bb:t1", "bb:t2"}, used: true, steps: []step{
			{ref: "bb:t1", want: []image.DeleteResponse{{Untagged: "bb:t1"}}, tagged: []string{"bb:t2"}, wantExists: true},
		}},
		{name: "running container", tags: []string{"bb:t2"}, used: true, running: true, steps: []step{
			{ref: "SHORT", force: true, wantErr: "conflict: unable to delete SHORT (cannot be forced) - image is being used by running container 0cf0d6359bdd", tagged: []string{"bb:t2"}, wantExists: true},
			{ref: "bb:t2", force: true, want: []image.DeleteResponse{{Untagged: "bb:t2"}}, tagged: []string{}, wantExists: true},
		}},
		{name: "ID with tags in two repositories", tags: []string{"a:1", "b:1"}, steps: []step{
			{ref: "SHORT", wantErr: "conflict: unable to delete SHORT (must be forced) - image is referenced in multiple repositories", tagged: []string{"a:1", "b:1"}, wantExists: true},
			{ref: "SHORT", force: true, want: []image.DeleteResponse{{Untagged: "a:1"}, {Untagged: "b:1"}, {Deleted: "ID"}}},
		}},
		{name: "unknown", steps: []step{{ref: "nope", wantErr: "No such image: nope:latest", tagged: []string{}, wantExists: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &containers{using: map[string][]string{}, running: map[string]bool{}}
			s := open(t, t.TempDir(), c.options())
			img := importBusybox(t, s, "")
			for _, tag := range tc.tags {
				if err := s.Tag(t.Context(), img.ID, tag); err != nil {
					t.Fatal(err)
				}
			}
			if tc.used {
				ctr := ctrStopped
				if tc.running {
					ctr = ctrRunning
					c.running[ctr] = true
				}
				c.using[img.ID] = []string{ctr}
			}
			short := img.ID[7:19]
			subst := func(s string) string {
				switch s {
				case "SHORT":
					return short
				case "ID":
					return img.ID
				}
				return s
			}
			for _, st := range tc.steps {
				for i := range st.want {
					st.want[i].Deleted = subst(st.want[i].Deleted)
				}
				got, err := s.Delete(t.Context(), subst(st.ref), st.force, false)
				if st.wantErr != "" {
					want := st.wantErr
					for _, k := range []string{"SHORT"} {
						want = strings.ReplaceAll(want, k, short)
					}
					if err == nil || err.Error() != want {
						t.Fatalf("Delete(%s) = %v, want %q", st.ref, err, want)
					}
				} else if err != nil {
					t.Fatalf("Delete(%s): %v", st.ref, err)
				} else if d := cmp.Diff(st.want, got); d != "" {
					t.Fatalf("Delete(%s) (-want +got):\n%s", st.ref, d)
				}
				cur, err := s.Resolve(t.Context(), img.ID)
				if exists := err == nil; exists != st.wantExists {
					t.Fatalf("after Delete(%s): exists = %v", st.ref, exists)
				}
				if st.wantExists && !slices.Equal(cur.RepoTags, st.tagged) {
					t.Fatalf("after Delete(%s): tags %v, want %v", st.ref, cur.RepoTags, st.tagged)
				}
			}
		})
	}
}

func TestDeleteRemovesBlobsNotShared(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, imagestore.Options{})
	a := importBusybox(t, s, "a:1", "CMD a")
	b := importBusybox(t, s, "b:1", "CMD b")
	layer := filepath.Join(dir, "blobs", "sha256", a.Layers[0].Digest[7:])
	if _, err := s.Delete(t.Context(), "a:1", false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(layer); err != nil {
		t.Fatalf("shared layer removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "blobs", "sha256", a.ID[7:])); !os.IsNotExist(err) {
		t.Fatalf("config of deleted image kept: %v", err)
	}
	if _, err := s.Delete(t.Context(), b.ID, false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(layer); !os.IsNotExist(err) {
		t.Fatalf("unused layer kept: %v", err)
	}
}

func TestPrune(t *testing.T) {
	c := &containers{using: map[string][]string{}, running: map[string]bool{}}
	s := open(t, t.TempDir(), c.options())
	dangling := importBusybox(t, s, "", "CMD dangling")
	tagged := importBusybox(t, s, "keep:1", "CMD tagged")
	used := importBusybox(t, s, "", "CMD used")
	c.using[used.ID] = []string{ctrStopped}

	rep, err := s.Prune(t.Context(), imagestore.PruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]image.DeleteResponse{{Deleted: dangling.ID}}, rep.ImagesDeleted); d != "" {
		t.Errorf("dangling prune (-want +got):\n%s", d)
	}
	if rep.SpaceReclaimed != 0 { // the layer is shared with the other images
		t.Errorf("reclaimed %d, want 0", rep.SpaceReclaimed)
	}
	small, err := s.Import(t.Context(), bytes.NewReader(imagestoretest.Tar(t, entry{Name: "hello", Body: "hello"})), imagestore.ImportOptions{Source: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err = s.Prune(t.Context(), imagestore.PruneOptions{}); err != nil || rep.SpaceReclaimed != 5 || rep.ImagesDeleted[0].Deleted != small.ID {
		t.Errorf("prune of an image with its own layer = %+v, %v", rep, err)
	}
	rep, err = s.Prune(t.Context(), imagestore.PruneOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]image.DeleteResponse{{Untagged: "keep:1"}, {Deleted: tagged.ID}}, rep.ImagesDeleted); d != "" {
		t.Errorf("prune -a (-want +got):\n%s", d)
	}
	if _, err := s.Resolve(t.Context(), used.ID); err != nil {
		t.Errorf("used image pruned: %v", err)
	}
	if _, err := s.Delete(t.Context(), "nope", false, false); !errdefs.IsNotFound(err) {
		t.Errorf("Delete(nope) = %v", err)
	}
}

// TestEvents checks the events against dockerd's LogImageEvent: labels
// plus "name", a reference for tag, the image ID for untag and delete.
func TestEvents(t *testing.T) {
	rec := &recorder{}
	s := open(t, t.TempDir(), imagestore.Options{Events: rec})
	img := importBusybox(t, s, "", "LABEL team=x")
	if err := s.Tag(t.Context(), img.ID, "bb:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(t.Context(), "bb:1", false, false); err != nil {
		t.Fatal(err)
	}
	type ev struct{ Action, ID, Name, Team string }
	var got []ev
	for _, m := range rec.msgs {
		if m.Type != "image" || m.Scope != "local" || m.TimeNano == 0 {
			t.Errorf("event %+v", m)
		}
		got = append(got, ev{string(m.Action), m.Actor.ID, m.Actor.Attributes["name"], m.Actor.Attributes["team"]})
	}
	want := []ev{
		{"import", img.ID, img.ID, "x"}, {"tag", img.ID, "bb:1", "x"},
		{"untag", img.ID, img.ID, "x"}, {"delete", img.ID, img.ID, ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}
