package volumes

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/store"
)

func open(t testing.TB, dir string) *Manager {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(t.Context(), Options{Dir: filepath.Join(dir, "volumes"), Store: st, Backend: "fake"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func serve(t *testing.T, m *Manager) *client.Client {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux, m)
	srv := httptest.NewServer(httpx.StripVersion(mux))
	t.Cleanup(srv.Close)
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()),
		client.WithAPIVersion("1.51"))
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

func TestCreateInspectRemove(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	m := open(t, dir)
	cli := serve(t, m)
	res, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data", Labels: map[string]string{"app": "x"}})
	if err != nil || res.Volume.Name != "data" || res.Volume.Driver != "local" || res.Volume.Labels["app"] != "x" {
		t.Fatalf("create: %+v %v", res, err)
	}
	if err := os.WriteFile(filepath.Join(res.Volume.Mountpoint, "f"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data"})
	if err != nil || again.Volume.Labels["app"] != "x" {
		t.Fatalf("create twice returns the existing volume: %+v %v", again, err)
	}
	bad := []struct {
		name string
		opts client.VolumeCreateOptions
		want func(error) bool
	}{
		{"invalid name", client.VolumeCreateOptions{Name: "a/b"}, errdefs.IsInvalidArgument},
		{"unknown driver", client.VolumeCreateOptions{Name: "n", Driver: "nfs"}, errdefs.IsNotFound},
		{"unknown option", client.VolumeCreateOptions{Name: "n", DriverOpts: map[string]string{"foo": "1"}}, errdefs.IsInvalidArgument},
	}
	for _, tc := range bad {
		if _, err := cli.VolumeCreate(ctx, tc.opts); !tc.want(err) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := cli.VolumeInspect(ctx, "nope", client.VolumeInspectOptions{}); !errdefs.IsNotFound(err) || err.Error() != "Error response from daemon: get nope: no such volume" {
		t.Errorf("inspect unknown: %v", err)
	}
	// In use: 409 with dockerd's text.
	if _, _, err := m.Acquire(ctx, "c1", AcquireOptions{Name: "data"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.VolumeRemove(ctx, "data", client.VolumeRemoveOptions{}); !errdefs.IsConflict(err) ||
		err.Error() != "Error response from daemon: remove data: volume is in use - [c1]" {
		t.Errorf("remove in use: %v", err)
	}
	// The data survives a restart of the manager.
	m2 := open(t, dir)
	v, err := m2.Get(ctx, "data")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(v.Mountpoint, "f")); string(b) != "kept" {
		t.Errorf("data after restart: %q", b)
	}
	if err := m.Release(ctx, "c1", true); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.VolumeRemove(ctx, "data", client.VolumeRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(v.Mountpoint); !os.IsNotExist(err) {
		t.Errorf("data left behind: %v", err)
	}
	if _, err := cli.VolumeRemove(ctx, "data", client.VolumeRemoveOptions{Force: true}); err != nil {
		t.Errorf("force remove of a missing volume: %v", err)
	}
}

func TestAnonymousListPrune(t *testing.T) {
	ctx := t.Context()
	m := open(t, t.TempDir())
	cli := serve(t, m)
	anon, _, err := m.Acquire(ctx, "c1", AcquireOptions{})
	if err != nil || len(anon.Name) != 64 {
		t.Fatalf("anonymous: %+v %v", anon, err)
	}
	if _, ok := anon.Labels[AnonymousLabel]; !ok {
		t.Fatalf("anonymous label missing: %v", anon.Labels)
	}
	for _, n := range []string{"keep", "tmp"} {
		if _, err := m.Create(ctx, volumeReq(n, map[string]string{"role": n})); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		filters client.Filters
		want    []string
	}{
		{"all", nil, []string{anon.Name, "keep", "tmp"}},
		{"label", make(client.Filters).Add("label", "role=tmp"), []string{"tmp"}},
		{"dangling", make(client.Filters).Add("dangling", "true"), []string{"keep", "tmp"}},
		{"name", make(client.Filters).Add("name", "ke"), []string{"keep"}},
	}
	for _, tc := range tests {
		res, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: tc.filters})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range res.Items {
			got = append(got, v.Name)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("bogus", "1")}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad filter: %v", err)
	}
	// Named volumes stay unless "all"; an anonymous one in use stays.
	rep, err := cli.VolumePrune(ctx, client.VolumePruneOptions{})
	if err != nil || len(rep.Report.VolumesDeleted) != 0 {
		t.Fatalf("prune: %+v %v", rep, err)
	}
	_ = m.Release(ctx, "c1", false)
	rep, err = cli.VolumePrune(ctx, client.VolumePruneOptions{All: true, Filters: make(client.Filters).Add("label!", "role=keep")})
	if err != nil || len(rep.Report.VolumesDeleted) != 2 {
		t.Fatalf("prune all: %+v %v", rep, err)
	}
	if _, err := m.Get(ctx, "keep"); err != nil {
		t.Errorf("label! kept volume removed: %v", err)
	}
}

func volumeReq(name string, labels map[string]string) (r volume.CreateRequest) {
	r.Name, r.Labels = name, labels
	return r
}

// The driver's remover runs before a volume is forgotten; its error keeps
// the volume, on rm and on prune.
func TestRemoveHook(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	fail := true
	m, err := Open(t.Context(), Options{Dir: filepath.Join(dir, "volumes"), Store: st, Backend: "fake",
		Remove: func(_ context.Context, name string) error {
			if fail {
				return errors.New("access point busy")
			}
			removed = append(removed, name)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(t.Context(), volume.CreateRequest{Name: "data"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove(t.Context(), "data", false); err == nil || !strings.Contains(err.Error(), "access point busy") {
		t.Fatalf("remove with a failing driver: %v", err)
	}
	if _, err := m.Get(t.Context(), "data"); err != nil {
		t.Fatalf("volume lost after a failed driver removal: %v", err)
	}
	fail = false
	if err := m.Remove(t.Context(), "data", false); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{"data"}) {
		t.Errorf("driver removals: %v", removed)
	}
}
