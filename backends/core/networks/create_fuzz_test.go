package networks

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/backends/core/store"
)

// FuzzCreate checks that any IPAM request either fails or yields a
// network whose gateway and first address lie in its subnet.
func FuzzCreate(f *testing.F) {
	for _, s := range [][3]string{{"10.1.0.0/24", "", ""}, {"10.1.0.0/24", "10.1.0.128/25", "10.1.0.254"},
		{"10.1.0.5/24", "", ""}, {"10.1.0.0/31", "", ""}, {"10.1.0.0/32", "", ""}, {"::1/64", "", ""}, {"", "", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	st, err := store.Open(filepath.Join(f.TempDir(), "state"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subnet, ipRange, gateway string) {
		m, err := Open(t.Context(), st, "fake")
		if err != nil {
			t.Fatal(err)
		}
		var c network.IPAMConfig
		c.Subnet, _ = netip.ParsePrefix(subnet)
		c.IPRange, _ = netip.ParsePrefix(ipRange)
		c.Gateway, _ = netip.ParseAddr(gateway)
		req := network.CreateRequest{Name: "n"}
		if subnet != "" {
			req.IPAM = &network.IPAM{Config: []network.IPAMConfig{c}}
		}
		resp, err := m.Create(t.Context(), req)
		if err != nil {
			return
		}
		defer m.Remove(t.Context(), resp.ID, func(string) bool { return false })
		n := m.nets[resp.ID]
		pool := n.IPAM.Config[0]
		if !pool.Subnet.Contains(pool.Gateway) {
			t.Fatalf("gateway %s outside %s", pool.Gateway, pool.Subnet)
		}
		_, ep, err := m.Connect(t.Context(), "c1", "c1", "n", nil)
		if err == nil && !pool.Subnet.Contains(ep.IPAddress) {
			t.Fatalf("address %s outside %s", ep.IPAddress, pool.Subnet)
		}
		m.Release(t.Context(), "c1")
	})
}
