package ec2

import (
	"net/http"
	"net/netip"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type subnetXML struct {
	SubnetID                string   `xml:"subnetId"`
	SubnetArn               string   `xml:"subnetArn"`
	State                   string   `xml:"state"`
	OwnerID                 string   `xml:"ownerId"`
	VpcID                   string   `xml:"vpcId"`
	CidrBlock               string   `xml:"cidrBlock"`
	AvailableIPAddressCount int      `xml:"availableIpAddressCount"`
	AvailabilityZone        string   `xml:"availabilityZone"`
	AvailabilityZoneID      string   `xml:"availabilityZoneId"`
	DefaultForAz            bool     `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool     `xml:"mapPublicIpOnLaunch"`
	AssignIpv6OnCreation    bool     `xml:"assignIpv6AddressOnCreation"`
	Tags                    []tagXML `xml:"tagSet>item"`
}

func (q *request) subnetXML(sn *subnet, state string) subnetXML {
	return subnetXML{SubnetID: sn.ID, SubnetArn: "arn:aws:ec2:" + q.r.Name + ":" + q.account + ":subnet/" + sn.ID,
		State: state, OwnerID: q.account, VpcID: sn.VpcID, CidrBlock: sn.CIDR,
		AvailableIPAddressCount: q.r.freeIPs(sn), AvailabilityZone: sn.AZ, AvailabilityZoneID: zoneID(q.r.Name, sn.AZ),
		DefaultForAz: sn.IsDefault, MapPublicIPOnLaunch: sn.MapPublicIP, Tags: q.tagSet(sn.ID)}
}

// freeIPs counts the addresses of sn no interface holds; AWS reserves the
// first four and the last of every subnet.
func (r *region) freeIPs(sn *subnet) int {
	p := netip.MustParsePrefix(sn.CIDR)
	n := 1<<(32-p.Bits()) - 5
	for _, e := range r.ENIs {
		if e.SubnetID == sn.ID {
			n--
		}
	}
	return n
}

func (s *Service) createSubnet(q *request) (any, error) {
	vpcID, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	cidr, err := q.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	v, err := find(q.r.Vpcs, "vpc", vpcID)
	if err != nil {
		return nil, err
	}
	p, err := parseCIDR("cidrBlock", cidr, "InvalidSubnet.Range")
	if err != nil {
		return nil, err
	}
	if vp := netip.MustParsePrefix(v.CIDR); !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
		return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr)
	}
	for _, o := range q.r.Subnets {
		if o.VpcID == vpcID && netip.MustParsePrefix(o.CIDR).Overlaps(p) {
			return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	az, err := q.zone()
	if err != nil {
		return nil, err
	}
	sn := &subnet{ID: newID("subnet"), VpcID: vpcID, CIDR: cidr, AZ: az}
	if err := q.tagSpecs(sn.ID, "subnet"); err != nil {
		return nil, err
	}
	q.r.Subnets[sn.ID] = sn
	return struct {
		Subnet subnetXML `xml:"subnet"`
	}{q.subnetXML(sn, "pending")}, nil
}

// zone reads AvailabilityZone or AvailabilityZoneId; without either the
// subnet goes to the region's first zone (AWS picks one for you).
func (q *request) zone() (string, error) {
	name, id := q.f.Get("AvailabilityZone"), q.f.Get("AvailabilityZoneId")
	zs := zones(q.r.Name)
	if name == "" && id == "" {
		return zs[0].name, nil
	}
	var names string
	for _, z := range zs {
		if z.name == name || z.id == id {
			return z.name, nil
		}
		if names != "" {
			names += ", "
		}
		names += z.name
	}
	param, v := "availabilityZone", name
	if name == "" {
		param, v = "availabilityZoneId", id
	}
	return "", invalidValue("Value (%s) for parameter %s is invalid. Subnets can currently only be created in the following availability zones: %s.", v, param, names)
}

func subnetFields(sn *subnet) fields {
	return fields{"subnet-id": {sn.ID}, "vpc-id": {sn.VpcID}, "cidr-block": {sn.CIDR}, "cidr": {sn.CIDR},
		"cidrBlock": {sn.CIDR}, "availability-zone": {sn.AZ}, "availabilityZone": {sn.AZ},
		"default-for-az": {boolString(sn.IsDefault)}, "defaultForAz": {boolString(sn.IsDefault)},
		"map-public-ip-on-launch": {boolString(sn.MapPublicIP)}, "state": {"available"}}
}

func (s *Service) describeSubnets(q *request) (any, error) {
	sns, next, err := describe(q, q.f.List("SubnetId"), "subnet", q.r.Subnets, subnetFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		Subnets   []subnetXML `xml:"subnetSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, sn := range sns {
		out.Subnets = append(out.Subnets, q.subnetXML(sn, "available"))
	}
	return out, nil
}

func (s *Service) deleteSubnet(q *request) (any, error) {
	id, err := q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	if _, err := find(q.r.Subnets, "subnet", id); err != nil {
		return nil, err
	}
	for _, e := range q.r.ENIs {
		if e.SubnetID == id {
			return nil, dependency("The subnet '%s' has dependencies and cannot be deleted.", id)
		}
	}
	// Deleting a subnet ends its route table association, as in AWS.
	for _, rt := range q.r.Routes {
		for i, a := range rt.Assocs {
			if a.SubnetID == id {
				rt.Assocs = append(rt.Assocs[:i], rt.Assocs[i+1:]...)
				break
			}
		}
	}
	forgetIn(q.r, id, q.r.Subnets)
	return returnTrue, nil
}
