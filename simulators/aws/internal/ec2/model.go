package ec2

import "time"

// The resources of one region's network, as the simulator keeps them. XML
// answers are built from these by the describe functions.

type vpc struct {
	ID        string `json:"id"`
	CIDR      string `json:"cidr"`
	DHCP      string `json:"dhcp"`
	IsDefault bool   `json:"isDefault"`
	Tenancy   string `json:"tenancy"`
	// DNSSupport and DNSHostnames are the VPC's enableDnsSupport and
	// enableDnsHostnames attributes.
	DNSSupport   bool `json:"dnsSupport"`
	DNSHostnames bool `json:"dnsHostnames"`
}

type subnet struct {
	ID          string `json:"id"`
	VpcID       string `json:"vpcId"`
	CIDR        string `json:"cidr"`
	AZ          string `json:"az"`
	IsDefault   bool   `json:"isDefault"`
	MapPublicIP bool   `json:"mapPublicIp"`
}

// rule is one security group rule with one peer (a CIDR or a group), as
// DescribeSecurityGroupRules lists them; DescribeSecurityGroups merges the
// rules that share protocol and ports into one IpPermission.
type rule struct {
	ID          string `json:"id"`
	Egress      bool   `json:"egress"`
	Protocol    string `json:"protocol"` // "-1", "tcp", "udp", "icmp" or a number
	FromPort    int    `json:"from"`
	ToPort      int    `json:"to"`
	CIDR        string `json:"cidr,omitempty"`
	CIDR6       string `json:"cidr6,omitempty"`
	Group       string `json:"group,omitempty"`
	Description string `json:"description,omitempty"`
}

type securityGroup struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	VpcID       string  `json:"vpcId"`
	Rules       []*rule `json:"rules"`
}

type eni struct {
	ID          string   `json:"id"`
	SubnetID    string   `json:"subnetId"`
	VpcID       string   `json:"vpcId"`
	AZ          string   `json:"az"`
	IP          string   `json:"ip"`
	MAC         string   `json:"mac"`
	Description string   `json:"description"`
	Groups      []string `json:"groups"`
	Type        string   `json:"type"` // interface, nat_gateway
	Requester   string   `json:"requester,omitempty"`
}

type route struct {
	Dest      string `json:"dest"`
	GatewayID string `json:"gateway,omitempty"` // "local" or igw-
	NatID     string `json:"nat,omitempty"`
	Origin    string `json:"origin"`
}

type association struct {
	ID       string `json:"id"`
	SubnetID string `json:"subnetId,omitempty"`
	Main     bool   `json:"main"`
}

type routeTable struct {
	ID     string         `json:"id"`
	VpcID  string         `json:"vpcId"`
	Routes []*route       `json:"routes"`
	Assocs []*association `json:"assocs"`
}

type internetGateway struct {
	ID    string `json:"id"`
	VpcID string `json:"vpcId,omitempty"` // attached VPC
}

type natGateway struct {
	ID           string    `json:"id"`
	SubnetID     string    `json:"subnetId"`
	VpcID        string    `json:"vpcId"`
	AllocationID string    `json:"allocationId,omitempty"`
	Connectivity string    `json:"connectivity"`
	ENI          string    `json:"eni"`
	PrivateIP    string    `json:"privateIp"`
	PublicIP     string    `json:"publicIp,omitempty"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	Deleted      time.Time `json:"deleted,omitzero"`
}

type address struct {
	AllocationID string `json:"allocationId"`
	PublicIP     string `json:"publicIp"`
	ENI          string `json:"eni,omitempty"`
}

// region is one region's network, persisted as one record.
type region struct {
	Name      string                      `json:"name"`
	Vpcs      map[string]*vpc             `json:"vpcs"`
	Subnets   map[string]*subnet          `json:"subnets"`
	Groups    map[string]*securityGroup   `json:"groups"`
	ENIs      map[string]*eni             `json:"enis"`
	Routes    map[string]*routeTable      `json:"routeTables"`
	IGWs      map[string]*internetGateway `json:"igws"`
	NATs      map[string]*natGateway      `json:"nats"`
	Addresses map[string]*address         `json:"addresses"`
	// Tags maps a resource ID to its tags.
	Tags map[string]map[string]string `json:"tags"`
	// NextPublic numbers the public IPs handed to Elastic IPs.
	NextPublic int `json:"nextPublic"`
}

func newRegion(name string) *region {
	return &region{Name: name, Vpcs: map[string]*vpc{}, Subnets: map[string]*subnet{},
		Groups: map[string]*securityGroup{}, ENIs: map[string]*eni{}, Routes: map[string]*routeTable{},
		IGWs: map[string]*internetGateway{}, NATs: map[string]*natGateway{}, Addresses: map[string]*address{},
		Tags: map[string]map[string]string{}}
}

// fill makes the maps a loaded record lacks.
func (r *region) fill() {
	n := newRegion(r.Name)
	if r.Vpcs == nil {
		r.Vpcs = n.Vpcs
	}
	if r.Subnets == nil {
		r.Subnets = n.Subnets
	}
	if r.Groups == nil {
		r.Groups = n.Groups
	}
	if r.ENIs == nil {
		r.ENIs = n.ENIs
	}
	if r.Routes == nil {
		r.Routes = n.Routes
	}
	if r.IGWs == nil {
		r.IGWs = n.IGWs
	}
	if r.NATs == nil {
		r.NATs = n.NATs
	}
	if r.Addresses == nil {
		r.Addresses = n.Addresses
	}
	if r.Tags == nil {
		r.Tags = n.Tags
	}
}
