package ec2

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// Interface is a network interface the simulator created for a workload
// (an awsvpc ECS task, a NAT gateway).
type Interface struct {
	ID               string
	SubnetID         string
	VpcID            string
	AvailabilityZone string
	// AvailabilityZoneID is the zone's ID (use1-az1 ...).
	AvailabilityZoneID string
	PrivateIP          string
	MAC                string
	PrivateDNSName     string
	Groups             []string
}

// InterfaceRequest describes the interface a workload needs.
type InterfaceRequest struct {
	// SubnetID is the subnet the interface is in (required).
	SubnetID string
	// Groups are its security groups; empty means the VPC's default
	// group, as ECS and EFS do.
	Groups []string
	// PrivateIP asks for that address; empty takes the lowest free one.
	PrivateIP string
	// Description is shown by DescribeNetworkInterfaces (ECS writes
	// "arn:aws:ecs:<region>:<account>:attachment/<uuid>").
	Description string
	// Type is the interfaceType: "interface" (default), "efs", "lambda",
	// "nat_gateway" ...
	Type string
	// Requester, when set, marks the interface requester-managed by that
	// service (AWS shows an account ID or an alias such as "amazon-aws").
	Requester string
}

// CreateInterface creates the interface an awsvpc ECS task, an EFS mount
// target or a VPC Lambda function gets: in req.SubnetID of region, with
// the requested or the lowest free private IP of the subnet. Errors are
// EC2's (InvalidSubnetID.NotFound, InvalidGroup.NotFound,
// InvalidParameterValue, InsufficientFreeAddressesInSubnet,
// InvalidIPAddress.InUse) as *awsproto.Error values, for the caller to
// translate into its own service's codes.
func (s *Service) CreateInterface(ctx context.Context, region string, req InterfaceRequest) (Interface, error) {
	if req.Type == "" {
		req.Type = "interface"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.region(region)
	if err != nil {
		return Interface{}, err
	}
	e, err := r.newENI(req)
	if err != nil {
		return Interface{}, err
	}
	if err := s.save(r); err != nil {
		delete(r.ENIs, e.ID)
		return Interface{}, err
	}
	return Interface{ID: e.ID, SubnetID: e.SubnetID, VpcID: e.VpcID, AvailabilityZone: e.AZ,
		AvailabilityZoneID: zoneID(region, e.AZ), PrivateIP: e.IP, MAC: e.MAC, PrivateDNSName: dnsName(region, e.IP),
		Groups: e.Groups}, nil
}

// DeleteInterface deletes an interface CreateInterface made; an unknown
// ID is InvalidNetworkInterfaceID.NotFound.
func (s *Service) DeleteInterface(ctx context.Context, region, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.region(region)
	if err != nil {
		return err
	}
	if _, err := find(r.ENIs, "eni", id); err != nil {
		return err
	}
	forgetIn(r, id, r.ENIs)
	return s.save(r)
}

// VpcExists reports whether the VPC id exists in region (Cloud Map checks
// the VPC of private DNS namespaces).
func (s *Service) VpcExists(region, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.region(region)
	return err == nil && r.Vpcs[id] != nil
}

func (r *region) newENI(req InterfaceRequest) (*eni, error) {
	subnetID, groups := req.SubnetID, req.Groups
	sn, err := find(r.Subnets, "subnet", subnetID)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		for _, g := range r.Groups {
			if g.VpcID == sn.VpcID && g.Name == "default" {
				groups = []string{g.ID}
			}
		}
	}
	for _, id := range groups {
		g, err := find(r.Groups, "sg", id)
		if err != nil {
			return nil, err
		}
		if g.VpcID != sn.VpcID {
			return nil, invalidValue("Security group %s and subnet %s belong to different networks.", id, subnetID)
		}
	}
	ip, err := r.allocIP(sn, req.PrivateIP)
	if err != nil {
		return nil, err
	}
	mac := make([]byte, 5)
	rand.Read(mac)
	e := &eni{ID: newID("eni"), SubnetID: sn.ID, VpcID: sn.VpcID, AZ: sn.AZ, IP: ip,
		MAC:         fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4]),
		Description: req.Description, Groups: groups, Type: req.Type, Requester: req.Requester}
	r.ENIs[e.ID] = e
	return e, nil
}

// allocIP returns want, or the lowest address of sn no interface holds,
// skipping the four AWS reserves at the start of every subnet and the
// last.
func (r *region) allocIP(sn *subnet, want string) (string, error) {
	p := netip.MustParsePrefix(sn.CIDR)
	used := map[string]bool{}
	for _, e := range r.ENIs {
		if e.SubnetID == sn.ID {
			used[e.IP] = true
		}
	}
	a := p.Addr()
	for range 4 {
		a = a.Next()
	}
	if want != "" {
		w, err := netip.ParseAddr(want)
		if err != nil || !p.Contains(w) || w.Less(a) || !p.Contains(w.Next()) {
			return "", invalidValue("Address %s does not fall within the subnet's address range", want)
		}
		if used[w.String()] {
			return "", awsproto.Errorf(http.StatusBadRequest, "InvalidIPAddress.InUse", "The specified address is already in use.")
		}
		return w.String(), nil
	}
	for ; p.Contains(a.Next()); a = a.Next() {
		if !used[a.String()] {
			return a.String(), nil
		}
	}
	return "", awsproto.Errorf(http.StatusBadRequest, "InsufficientFreeAddressesInSubnet",
		"The specified subnet %s does not have enough free addresses to satisfy the request.", sn.ID)
}

// dnsName is an interface's private DNS name: ip-10-0-1-5.ec2.internal in
// us-east-1, ip-10-0-1-5.<region>.compute.internal elsewhere.
func dnsName(region, ip string) string {
	host := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

type groupIdentifierXML struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type privateIPXML struct {
	PrivateIP string `xml:"privateIpAddress"`
	DNSName   string `xml:"privateDnsName"`
	Primary   bool   `xml:"primary"`
}

type eniXML struct {
	ID               string               `xml:"networkInterfaceId"`
	SubnetID         string               `xml:"subnetId"`
	VpcID            string               `xml:"vpcId"`
	AvailabilityZone string               `xml:"availabilityZone"`
	Description      string               `xml:"description"`
	OwnerID          string               `xml:"ownerId"`
	RequesterID      string               `xml:"requesterId,omitempty"`
	RequesterManaged bool                 `xml:"requesterManaged"`
	Status           string               `xml:"status"`
	MAC              string               `xml:"macAddress"`
	PrivateIP        string               `xml:"privateIpAddress"`
	DNSName          string               `xml:"privateDnsName"`
	SourceDestCheck  bool                 `xml:"sourceDestCheck"`
	InterfaceType    string               `xml:"interfaceType"`
	Groups           []groupIdentifierXML `xml:"groupSet>item"`
	PrivateIPs       []privateIPXML       `xml:"privateIpAddressesSet>item"`
	Tags             []tagXML             `xml:"tagSet>item"`
}

func (q *request) eniXML(e *eni) eniXML {
	dns := dnsName(q.r.Name, e.IP)
	x := eniXML{ID: e.ID, SubnetID: e.SubnetID, VpcID: e.VpcID, AvailabilityZone: e.AZ, Description: e.Description,
		OwnerID: q.account, RequesterID: e.Requester, RequesterManaged: e.Requester != "", Status: "in-use",
		MAC: e.MAC, PrivateIP: e.IP, DNSName: dns, SourceDestCheck: true, InterfaceType: e.Type,
		PrivateIPs: []privateIPXML{{e.IP, dns, true}}, Tags: q.tagSet(e.ID)}
	for _, id := range e.Groups {
		name := ""
		if g := q.r.Groups[id]; g != nil {
			name = g.Name
		}
		x.Groups = append(x.Groups, groupIdentifierXML{id, name})
	}
	return x
}

func eniFields(e *eni) fields {
	return fields{"network-interface-id": {e.ID}, "subnet-id": {e.SubnetID}, "vpc-id": {e.VpcID},
		"availability-zone": {e.AZ}, "description": {e.Description}, "private-ip-address": {e.IP},
		"addresses.private-ip-address": {e.IP}, "group-id": e.Groups, "status": {"in-use"},
		"interface-type": {e.Type}, "mac-address": {e.MAC}, "requester-managed": {boolString(e.Requester != "")}}
}

func (s *Service) describeENIs(q *request) (any, error) {
	es, next, err := describe(q, q.f.List("NetworkInterfaceId"), "eni", q.r.ENIs, eniFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		ENIs      []eniXML `xml:"networkInterfaceSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, e := range es {
		out.ENIs = append(out.ENIs, q.eniXML(e))
	}
	return out, nil
}
