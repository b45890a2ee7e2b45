package networks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/store"
)

// fakeContainers connects through the manager, as the engine does.
type fakeContainers struct {
	m       *Manager
	running map[string]bool
	forgot  []string
}

func (f *fakeContainers) ConnectNetwork(ctx context.Context, net, id string, cfg *network.EndpointSettings) error {
	_, _, err := f.m.Connect(ctx, id, "ctr-"+id, net, cfg)
	return err
}

func (f *fakeContainers) DisconnectNetwork(ctx context.Context, net, id string, force bool) error {
	_, err := f.m.Disconnect(ctx, id, net)
	return err
}

func (f *fakeContainers) ForgetNetwork(ctx context.Context, netID, id string) {
	f.forgot = append(f.forgot, id)
}

func (f *fakeContainers) IsRunning(id string) bool { return f.running[id] }

func newTestServer(t *testing.T) (*Manager, *fakeContainers, *client.Client) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(t.Context(), st, "fake")
	if err != nil {
		t.Fatal(err)
	}
	fc := &fakeContainers{m: m, running: map[string]bool{}}
	mux := http.NewServeMux()
	Register(mux, m, fc)
	srv := httptest.NewServer(httpx.StripVersion(mux))
	t.Cleanup(srv.Close)
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()),
		client.WithAPIVersion("1.51"))
	if err != nil {
		t.Fatal(err)
	}
	return m, fc, cli
}

func TestCreateConnectRemove(t *testing.T) {
	ctx := t.Context()
	m, fc, cli := newTestServer(t)
	auto, err := cli.NetworkCreate(ctx, "auto", client.NetworkCreateOptions{Labels: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	user, err := cli.NetworkCreate(ctx, "user", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{
		{Subnet: netip.MustParsePrefix("10.1.0.0/24"), IPRange: netip.MustParsePrefix("10.1.0.128/25")}}}})
	if err != nil {
		t.Fatal(err)
	}
	insp, err := cli.NetworkInspect(ctx, "auto", client.NetworkInspectOptions{})
	if err != nil || insp.Network.ID != auto.ID || insp.Network.IPAM.Config[0].Subnet.String() != "172.18.0.0/16" ||
		insp.Network.IPAM.Config[0].Gateway.String() != "172.18.0.1" || insp.Network.Labels["k"] != "v" {
		t.Fatalf("inspect auto: %+v %v", insp.Network, err)
	}
	bad := []struct {
		name string
		net  string
		opts client.NetworkCreateOptions
		want func(error) bool
	}{
		{"duplicate", "auto", client.NetworkCreateOptions{}, errdefs.IsConflict},
		{"predefined", "host", client.NetworkCreateOptions{}, errdefs.IsPermissionDenied},
		{"overlap", "o", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.1.0.0/16")}}}}, errdefs.IsPermissionDenied},
		{"gateway outside", "g", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.2.0.0/24"), Gateway: netip.MustParseAddr("10.3.0.1")}}}}, errdefs.IsInvalidArgument},
		{"unknown driver", "d", client.NetworkCreateOptions{Driver: "weave"}, errdefs.IsNotFound},
	}
	for _, tc := range bad {
		if _, err := cli.NetworkCreate(ctx, tc.net, tc.opts); !tc.want(err) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Dynamic addresses come from the IP range; a static one is honoured.
	if _, err := cli.NetworkConnect(ctx, "user", client.NetworkConnectOptions{Container: "c1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.NetworkConnect(ctx, "user", client.NetworkConnectOptions{Container: "c2",
		EndpointConfig: &network.EndpointSettings{IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.1.0.7")}, Aliases: []string{"two"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.NetworkConnect(ctx, "user", client.NetworkConnectOptions{Container: "c3",
		EndpointConfig: &network.EndpointSettings{IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.1.0.7")}}}); !errdefs.IsPermissionDenied(err) {
		t.Errorf("address in use: %v", err)
	}
	if _, err := cli.NetworkConnect(ctx, "auto", client.NetworkConnectOptions{Container: "c3",
		EndpointConfig: &network.EndpointSettings{IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("172.18.0.9")}}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("static address without a user subnet: %v", err)
	}
	if _, err := cli.NetworkConnect(ctx, "bridge", client.NetworkConnectOptions{Container: "c4",
		EndpointConfig: &network.EndpointSettings{Aliases: []string{"x"}}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("alias on the default bridge: %v", err)
	}
	peers := map[string]string{}
	for _, p := range m.Peers("c1") {
		peers[p.ContainerID] = p.IPv4.String()
	}
	if peers["c1"] != "10.1.0.128/24" || peers["c2"] != "10.1.0.7/24" {
		t.Errorf("peers: %v", peers)
	}
	if n := m.Neighbours("c1"); len(n) != 1 || n[0] != "c2" {
		t.Errorf("neighbours of c1: %v", n)
	}
	// Running containers block removal; stopped ones are forgotten.
	fc.running["c1"] = true
	if _, err := cli.NetworkRemove(ctx, "user", client.NetworkRemoveOptions{}); !errdefs.IsPermissionDenied(err) {
		t.Errorf("remove with active endpoints: %v", err)
	}
	if _, err := cli.NetworkDisconnect(ctx, "user", client.NetworkDisconnectOptions{Container: "c1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.NetworkRemove(ctx, user.ID[:12], client.NetworkRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(fc.forgot) != 1 || fc.forgot[0] != "c2" {
		t.Errorf("stopped containers forgotten: %v", fc.forgot)
	}
	if _, err := cli.NetworkRemove(ctx, "bridge", client.NetworkRemoveOptions{}); !errdefs.IsPermissionDenied(err) {
		t.Errorf("remove bridge: %v", err)
	}
	// Prune keeps predefined networks and honours label filters.
	if _, err := cli.NetworkCreate(ctx, "other", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pr, err := cli.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: make(client.Filters).Add("label", "k=v")})
	if err != nil || len(pr.Report.NetworksDeleted) != 1 || pr.Report.NetworksDeleted[0] != "auto" {
		t.Fatalf("prune: %+v %v", pr, err)
	}
	list, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("type", "custom")})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "other" {
		t.Fatalf("list custom: %+v %v", list, err)
	}
}
