package containers

import (
	"github.com/moby/moby/api/types/container"
)

// inspectV151 is the inspect body of API 1.51: the moby api module (1.52+)
// dropped the NetworkSettings fields that 1.51 still sends for a container
// on the default bridge, and clients such as docker-py still read
// NetworkSettings.IPAddress.
type inspectV151 struct {
	container.InspectResponse
	Config          *configV151 `json:",omitempty"`
	NetworkSettings *networkSettingsV151
}

// networkSettingsV151 adds the deprecated default-bridge fields.
type networkSettingsV151 struct {
	container.NetworkSettings
	Bridge                 string
	HairpinMode            bool
	LinkLocalIPv6Address   string
	LinkLocalIPv6PrefixLen int
	SecondaryIPAddresses   []string
	SecondaryIPv6Addresses []string
	EndpointID             string
	Gateway                string
	GlobalIPv6Address      string
	GlobalIPv6PrefixLen    int
	IPAddress              string
	IPPrefixLen            int
	IPv6Gateway            string
	MacAddress             string
}

// withLegacyNetwork fills the 1.51 fields from the bridge endpoint.
func withLegacyNetwork(c container.InspectResponse) inspectV151 {
	out := inspectV151{InspectResponse: c}
	if c.Config != nil {
		out.Config = &configV151{Config: c.Config, OnBuild: c.Config.OnBuild}
	}
	if c.NetworkSettings == nil {
		return out
	}
	ns := &networkSettingsV151{NetworkSettings: *c.NetworkSettings}
	if ep := c.NetworkSettings.Networks["bridge"]; ep != nil {
		ns.EndpointID, ns.IPPrefixLen, ns.MacAddress = ep.EndpointID, ep.IPPrefixLen, ep.MacAddress.String()
		if ep.IPAddress.IsValid() {
			ns.IPAddress = ep.IPAddress.String()
		}
		if ep.Gateway.IsValid() {
			ns.Gateway = ep.Gateway.String()
		}
	}
	out.NetworkSettings = ns
	return out
}
