package ec2

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type natAddressXML struct {
	AllocationID string `xml:"allocationId,omitempty"`
	ENI          string `xml:"networkInterfaceId"`
	PrivateIP    string `xml:"privateIp"`
	PublicIP     string `xml:"publicIp,omitempty"`
	IsPrimary    bool   `xml:"isPrimary"`
	Status       string `xml:"status"`
}

type natXML struct {
	ID           string          `xml:"natGatewayId"`
	SubnetID     string          `xml:"subnetId"`
	VpcID        string          `xml:"vpcId"`
	State        string          `xml:"state"`
	Connectivity string          `xml:"connectivityType"`
	CreateTime   string          `xml:"createTime"`
	DeleteTime   string          `xml:"deleteTime,omitempty"`
	Addresses    []natAddressXML `xml:"natGatewayAddressSet>item"`
	Tags         []tagXML        `xml:"tagSet>item"`
}

func (q *request) natXML(n *natGateway, state string) natXML {
	x := natXML{ID: n.ID, SubnetID: n.SubnetID, VpcID: n.VpcID, State: state, Connectivity: n.Connectivity,
		CreateTime: n.Created.UTC().Format(time.RFC3339), Tags: q.tagSet(n.ID),
		Addresses: []natAddressXML{{n.AllocationID, n.ENI, n.PrivateIP, n.PublicIP, true, "succeeded"}}}
	if !n.Deleted.IsZero() {
		x.DeleteTime = n.Deleted.UTC().Format(time.RFC3339)
	}
	return x
}

// createNAT creates a NAT gateway with its interface in the subnet. Its
// work is done when the call returns, so the answer says "pending" (as
// AWS's does) and every later description "available".
func (s *Service) createNAT(q *request) (any, error) {
	sid, err := q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	sn, err := find(q.r.Subnets, "subnet", sid)
	if err != nil {
		return nil, err
	}
	conn := q.f.Get("ConnectivityType")
	if conn == "" {
		conn = "public"
	}
	if conn != "public" && conn != "private" {
		return nil, invalidValue("Value (%s) for parameter connectivityType is invalid.", conn)
	}
	n := &natGateway{ID: newID("nat"), SubnetID: sn.ID, VpcID: sn.VpcID, Connectivity: conn, State: "available", Created: s.now()}
	var addr *address
	if conn == "public" {
		alloc, err := q.required("AllocationId")
		if err != nil {
			return nil, err
		}
		if addr, err = find(q.r.Addresses, "eipalloc", alloc); err != nil {
			return nil, err
		}
		if addr.ENI != "" {
			return nil, awsproto.Errorf(http.StatusBadRequest, "Resource.AlreadyAssociated", "Elastic IP address [%s] is already associated", alloc)
		}
		n.AllocationID, n.PublicIP = alloc, addr.PublicIP
	}
	e, err := q.r.newENI(InterfaceRequest{SubnetID: sn.ID, Description: "Interface for NAT Gateway " + n.ID,
		Type: "nat_gateway", Requester: "amazon-aws"})
	if err != nil {
		return nil, err
	}
	e.Groups = nil
	n.ENI, n.PrivateIP = e.ID, e.IP
	if addr != nil {
		addr.ENI = e.ID
	}
	if err := q.tagSpecs(n.ID, "natgateway"); err != nil {
		return nil, err
	}
	q.r.NATs[n.ID] = n
	return struct {
		NAT natXML `xml:"natGateway"`
	}{q.natXML(n, "pending")}, nil
}

func natFields(n *natGateway) fields {
	return fields{"nat-gateway-id": {n.ID}, "subnet-id": {n.SubnetID}, "vpc-id": {n.VpcID}, "state": {n.State}}
}

func (s *Service) describeNATs(q *request) (any, error) {
	ns, next, err := describe(q, q.f.List("NatGatewayId"), "nat", q.r.NATs, natFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		NATs      []natXML `xml:"natGatewaySet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, n := range ns {
		out.NATs = append(out.NATs, q.natXML(n, n.State))
	}
	return out, nil
}

// deleteNAT releases the gateway's interface and Elastic IP. The answer
// says "deleting"; later descriptions show "deleted", which AWS keeps
// listing for about an hour (the simulator keeps it).
func (s *Service) deleteNAT(q *request) (any, error) {
	id, err := q.required("NatGatewayId")
	if err != nil {
		return nil, err
	}
	n, err := find(q.r.NATs, "nat", id)
	if err != nil {
		return nil, err
	}
	if n.State != "deleted" {
		forgetIn(q.r, n.ENI, q.r.ENIs)
		if a := q.r.Addresses[n.AllocationID]; a != nil {
			a.ENI = ""
		}
		n.State, n.Deleted = "deleted", s.now()
	}
	return struct {
		ID string `xml:"natGatewayId"`
	}{n.ID}, nil
}

type addressXML struct {
	PublicIP     string   `xml:"publicIp"`
	AllocationID string   `xml:"allocationId"`
	Domain       string   `xml:"domain"`
	ENI          string   `xml:"networkInterfaceId,omitempty"`
	ENIOwner     string   `xml:"networkInterfaceOwnerId,omitempty"`
	PrivateIP    string   `xml:"privateIpAddress,omitempty"`
	Pool         string   `xml:"publicIpv4Pool"`
	BorderGroup  string   `xml:"networkBorderGroup"`
	Tags         []tagXML `xml:"tagSet>item"`
}

func (q *request) addressXML(a *address) addressXML {
	x := addressXML{PublicIP: a.PublicIP, AllocationID: a.AllocationID, Domain: "vpc", ENI: a.ENI,
		Pool: "amazon", BorderGroup: q.r.Name, Tags: q.tagSet(a.AllocationID)}
	if e := q.r.ENIs[a.ENI]; e != nil {
		x.ENIOwner, x.PrivateIP = q.account, e.IP
	}
	return x
}

// allocateAddress hands out Elastic IPs from the documentation ranges
// 198.51.100.0/24 and 203.0.113.0/24, which reach nothing.
func (s *Service) allocateAddress(q *request) (any, error) {
	if d := q.f.Get("Domain"); d != "" && d != "vpc" {
		return nil, invalidValue("Value (%s) for parameter domain is invalid.", d)
	}
	n := q.r.NextPublic
	if n >= 2*254 {
		return nil, awsproto.Errorf(http.StatusBadRequest, "AddressLimitExceeded", "The maximum number of addresses has been reached.")
	}
	q.r.NextPublic++
	ip := fmt.Sprintf("198.51.100.%d", n+1)
	if n >= 254 {
		ip = fmt.Sprintf("203.0.113.%d", n-253)
	}
	a := &address{AllocationID: newID("eipalloc"), PublicIP: ip}
	if err := q.tagSpecs(a.AllocationID, "elastic-ip"); err != nil {
		return nil, err
	}
	q.r.Addresses[a.AllocationID] = a
	return struct {
		PublicIP     string `xml:"publicIp"`
		AllocationID string `xml:"allocationId"`
		Domain       string `xml:"domain"`
		Pool         string `xml:"publicIpv4Pool"`
		BorderGroup  string `xml:"networkBorderGroup"`
	}{a.PublicIP, a.AllocationID, "vpc", "amazon", q.r.Name}, nil
}

func addressFields(a *address) fields {
	return fields{"allocation-id": {a.AllocationID}, "public-ip": {a.PublicIP}, "domain": {"vpc"},
		"network-interface-id": {a.ENI}}
}

func (s *Service) describeAddresses(q *request) (any, error) {
	ids := q.f.List("AllocationId")
	for _, ip := range q.f.List("PublicIp") {
		found := false
		for _, a := range q.r.Addresses {
			if a.PublicIP == ip {
				ids, found = append(ids, a.AllocationID), true
			}
		}
		if !found {
			return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidAddress.NotFound", "Address '%s' not found.", ip)
		}
	}
	as, _, err := describe(q, ids, "eipalloc", q.r.Addresses, addressFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		Addresses []addressXML `xml:"addressesSet>item"`
	}{}
	for _, a := range as {
		out.Addresses = append(out.Addresses, q.addressXML(a))
	}
	return out, nil
}

func (s *Service) releaseAddress(q *request) (any, error) {
	id, err := q.required("AllocationId")
	if err != nil {
		return nil, err
	}
	a, err := find(q.r.Addresses, "eipalloc", id)
	if err != nil {
		return nil, err
	}
	if a.ENI != "" {
		return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidIPAddress.InUse", "Address %s is in use.", id)
	}
	forgetIn(q.r, id, q.r.Addresses)
	return returnTrue, nil
}
