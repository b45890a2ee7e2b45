package ec2

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type cidrAssocXML struct {
	AssociationID string `xml:"associationId"`
	CidrBlock     string `xml:"cidrBlock"`
	State         string `xml:"cidrBlockState>state"`
}

type vpcXML struct {
	VpcID           string         `xml:"vpcId"`
	OwnerID         string         `xml:"ownerId"`
	State           string         `xml:"state"`
	CidrBlock       string         `xml:"cidrBlock"`
	CidrAssocs      []cidrAssocXML `xml:"cidrBlockAssociationSet>item"`
	DhcpOptionsID   string         `xml:"dhcpOptionsId"`
	InstanceTenancy string         `xml:"instanceTenancy"`
	IsDefault       bool           `xml:"isDefault"`
	Tags            []tagXML       `xml:"tagSet>item"`
}

func (q *request) vpcXML(v *vpc, state string) vpcXML {
	return vpcXML{VpcID: v.ID, OwnerID: q.account, State: state, CidrBlock: v.CIDR,
		CidrAssocs:    []cidrAssocXML{{"vpc-cidr-assoc-" + strings.TrimPrefix(v.ID, "vpc-"), v.CIDR, "associated"}},
		DhcpOptionsID: v.DHCP, InstanceTenancy: v.Tenancy, IsDefault: v.IsDefault, Tags: q.tagSet(v.ID)}
}

// parseCIDR reads an IPv4 CIDR block whose netmask is /16 to /28, the
// sizes EC2 allows for VPCs and subnets; rangeCode names the error for a
// size out of range.
func parseCIDR(param, s, rangeCode string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return p, invalidValue("Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, param)
	}
	if p.Bits() < 16 || p.Bits() > 28 {
		return p, awsproto.Errorf(http.StatusBadRequest, rangeCode, "The CIDR '%s' is invalid.", s)
	}
	return p, nil
}

func (s *Service) createVpc(q *request) (any, error) {
	cidr, err := q.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	if _, err := parseCIDR("cidrBlock", cidr, "InvalidVpc.Range"); err != nil {
		return nil, err
	}
	tenancy := q.f.Get("InstanceTenancy")
	if tenancy == "" {
		tenancy = "default"
	}
	if tenancy != "default" && tenancy != "dedicated" {
		return nil, invalidValue("Value (%s) for parameter instanceTenancy is invalid.", tenancy)
	}
	v := &vpc{ID: newID("vpc"), CIDR: cidr, DHCP: q.defaultVpc().DHCP, Tenancy: tenancy, DNSSupport: true}
	if err := q.tagSpecs(v.ID, "vpc"); err != nil {
		return nil, err
	}
	q.r.Vpcs[v.ID] = v
	q.r.addVpcDefaults(v)
	return struct {
		Vpc vpcXML `xml:"vpc"`
	}{q.vpcXML(v, "pending")}, nil
}

// defaultVpc returns the region's default VPC (nil if it was deleted).
func (q *request) defaultVpc() *vpc {
	for _, v := range q.r.Vpcs {
		if v.IsDefault {
			return v
		}
	}
	return &vpc{DHCP: newID("dopt")}
}

func vpcFields(v *vpc) fields {
	return fields{"vpc-id": {v.ID}, "cidr": {v.CIDR}, "cidr-block-association.cidr-block": {v.CIDR},
		"dhcp-options-id": {v.DHCP}, "is-default": {boolString(v.IsDefault)}, "state": {"available"}}
}

func (s *Service) describeVpcs(q *request) (any, error) {
	vs, next, err := describe(q, q.f.List("VpcId"), "vpc", q.r.Vpcs, vpcFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		Vpcs      []vpcXML `xml:"vpcSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range vs {
		out.Vpcs = append(out.Vpcs, q.vpcXML(v, "available"))
	}
	return out, nil
}

func (s *Service) deleteVpc(q *request) (any, error) {
	id, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	v, err := find(q.r.Vpcs, "vpc", id)
	if err != nil {
		return nil, err
	}
	busy := dependency("The vpc '%s' has dependencies and cannot be deleted.", id)
	for _, sn := range q.r.Subnets {
		if sn.VpcID == id {
			return nil, busy
		}
	}
	for _, g := range q.r.IGWs {
		if g.VpcID == id {
			return nil, busy
		}
	}
	for _, g := range q.r.Groups {
		if g.VpcID == id && g.Name != "default" {
			return nil, busy
		}
	}
	for _, rt := range q.r.Routes {
		if rt.VpcID == id && !rt.main() {
			return nil, busy
		}
	}
	for gid, g := range q.r.Groups {
		if g.VpcID == id {
			forgetIn(q.r, gid, q.r.Groups)
		}
	}
	for rid, rt := range q.r.Routes {
		if rt.VpcID == id {
			forgetIn(q.r, rid, q.r.Routes)
		}
	}
	forgetIn(q.r, v.ID, q.r.Vpcs)
	return returnTrue, nil
}

// forgetIn deletes id from m along with its tags.
func forgetIn[T any](r *region, id string, m map[string]*T) {
	delete(m, id)
	delete(r.Tags, id)
}

// returnTrue is the answer of the actions that return only <return>.
var returnTrue = struct {
	Return bool `xml:"return"`
}{true}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
