package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/internal/fakedriver"
	"github.com/sockerless/sockerless/backends/core/networks"
	"github.com/sockerless/sockerless/backends/core/store"
	"github.com/sockerless/sockerless/backends/core/volumes"
)

// fullEnv is an engine with real volume and network managers.
type fullEnv struct {
	env
	vols *volumes.Manager
	nets *networks.Manager
}

func newFullEnv(t *testing.T) fullEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	vols, err := volumes.Open(t.Context(), volumes.Options{Dir: filepath.Join(dir, "volumes"), Store: st, Backend: "fake", Events: bus})
	if err != nil {
		t.Fatal(err)
	}
	nets, err := networks.Open(t.Context(), st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	_, drv := fakedriver.New()
	e, err := Open(t.Context(), Options{Dir: filepath.Join(dir, "containers"), Store: st, Driver: drv,
		Images: fakedriver.Images{}, Networks: nets, Volumes: vols, Events: bus, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return fullEnv{env{e, bus, dir}, vols, nets}
}

func TestMountsAndVolumes(t *testing.T) {
	ctx := t.Context()
	v := newFullEnv(t)
	src := v.create(t, "src", container.Config{Volumes: map[string]struct{}{"/anon": {}}},
		&container.HostConfig{Binds: []string{"named:/data:ro", t.TempDir() + ":/host"}, Tmpfs: map[string]string{"/run/t": "mode=700"}})
	in, err := v.e.Inspect(ctx, src, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var anon string
	for _, m := range in.Mounts {
		got[m.Destination] = string(m.Type) + "|" + m.Mode + "|" + strings.TrimPrefix(string(m.Propagation), "r")
		if m.Destination == "/anon" {
			anon = m.Name
		}
	}
	want := map[string]string{"/data": "volume|ro|", "/host": "bind||private", "/anon": "volume||"}
	for d, w := range want {
		if got[d] != w {
			t.Errorf("mount %s: %q, want %q (all: %v)", d, got[d], w, got)
		}
	}
	if _, ok := got["/run/t"]; ok {
		t.Errorf("--tmpfs listed in Mounts, dockerd does not")
	}
	// --volumes-from shares the volumes; the named one is in use.
	from := v.create(t, "from", container.Config{}, &container.HostConfig{VolumesFrom: []string{"src:rw"}})
	if err := v.vols.Remove(ctx, "named", false); !errdefs.IsConflict(err) {
		t.Errorf("remove a volume in use: %v", err)
	}
	if _, err := v.e.Create(ctx, CreateOptions{Config: &container.Config{Image: "busybox"},
		HostConfig: &container.HostConfig{VolumesFrom: []string{"nosuch"}}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("volumes-from an unknown container: %v", err)
	}
	// rm -v removes the anonymous volume once nobody uses it; named stays.
	if err := v.e.Remove(ctx, src, RemoveOptions{RemoveVolumes: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.vols.Get(ctx, anon); err != nil {
		t.Errorf("anonymous volume still used by %s was removed: %v", from, err)
	}
	if err := v.e.Remove(ctx, from, RemoveOptions{RemoveVolumes: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.vols.Get(ctx, anon); !errdefs.IsNotFound(err) {
		t.Errorf("anonymous volume after rm -v: %v", err)
	}
	if _, err := v.vols.Get(ctx, "named"); err != nil {
		t.Errorf("named volume after rm -v: %v", err)
	}
}

func TestHostsFollowUserNetworks(t *testing.T) {
	ctx := t.Context()
	v := newFullEnv(t)
	if _, err := v.nets.Create(ctx, network.CreateRequest{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	nc := func(alias string) *network.NetworkingConfig {
		return &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"app": {Aliases: []string{alias}}}}
	}
	ids := map[string]string{}
	for _, n := range []string{"one", "two"} {
		resp, err := v.e.Create(ctx, CreateOptions{Name: n, Config: &container.Config{Image: "busybox", Cmd: []string{"sleep"}},
			HostConfig: &container.HostConfig{NetworkMode: "app"}, Networking: nc(n + "-alias")})
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = resp.ID
	}
	hosts := func(id string) string {
		b, err := os.ReadFile(filepath.Join(v.e.rootFS(id), "etc", "hosts"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if strings.Contains(hosts(ids["one"]), "two-alias") {
		t.Errorf("a created (not running) container resolves:\n%s", hosts(ids["one"]))
	}
	for _, n := range []string{"one", "two"} {
		if err := v.e.Start(ctx, ids[n]); err != nil {
			t.Fatal(err)
		}
	}
	if h := hosts(ids["one"]); !strings.Contains(h, "\ttwo two-alias "+ids["two"][:12]) {
		t.Errorf("one's /etc/hosts does not name two:\n%s", h)
	}
	if err := v.e.Rename(ctx, "two", "deux"); err != nil {
		t.Fatal(err)
	}
	if h := hosts(ids["one"]); !strings.Contains(h, "\tdeux two-alias") {
		t.Errorf("one's /etc/hosts after the rename:\n%s", h)
	}
	if err := v.e.DisconnectNetwork(ctx, "app", "deux", false); err != nil {
		t.Fatal(err)
	}
	if h := hosts(ids["one"]); strings.Contains(h, "deux") {
		t.Errorf("one's /etc/hosts after the disconnect:\n%s", h)
	}
	if err := v.e.ConnectNetwork(ctx, "app", "deux", &network.EndpointSettings{Aliases: []string{"back"}}); err != nil {
		t.Fatal(err)
	}
	if h := hosts(ids["one"]); !strings.Contains(h, "\tdeux back") {
		t.Errorf("one's /etc/hosts after the connect:\n%s", h)
	}
	if err := v.e.ConnectNetwork(ctx, "app", "deux", nil); !errdefs.IsPermissionDenied(err) {
		t.Errorf("connect twice: %v", err)
	}
}

func TestHostsLegacyLinks(t *testing.T) {
	ctx := t.Context()
	v := newFullEnv(t)
	db := v.create(t, "db", container.Config{Cmd: []string{"sleep"}}, nil)
	app := v.create(t, "app", container.Config{Cmd: []string{"sleep"}}, &container.HostConfig{Links: []string{"db:database"}})
	if _, err := v.e.Create(ctx, CreateOptions{Config: &container.Config{Image: "busybox"},
		HostConfig: &container.HostConfig{Links: []string{"nosuch:x"}}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("link to an unknown container: %v", err)
	}
	read := func() string {
		b, err := os.ReadFile(filepath.Join(v.e.rootFS(app), "etc", "hosts"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if err := v.e.Start(ctx, app); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(read(), "database") {
		t.Errorf("a stopped linked container resolves:\n%s", read())
	}
	if err := v.e.Start(ctx, db); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(read(), "\tdatabase "+db[:12]) {
		t.Errorf("the link does not resolve once db runs:\n%s", read())
	}
}
