package ec2

import (
	"net/http"
	"net/netip"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

func (rt *routeTable) main() bool {
	for _, a := range rt.Assocs {
		if a.Main {
			return true
		}
	}
	return false
}

type routeXML struct {
	Destination string `xml:"destinationCidrBlock"`
	GatewayID   string `xml:"gatewayId,omitempty"`
	NatID       string `xml:"natGatewayId,omitempty"`
	State       string `xml:"state"`
	Origin      string `xml:"origin"`
}

type assocXML struct {
	ID           string `xml:"routeTableAssociationId"`
	RouteTableID string `xml:"routeTableId"`
	SubnetID     string `xml:"subnetId,omitempty"`
	Main         bool   `xml:"main"`
	State        string `xml:"associationState>state"`
}

type routeTableXML struct {
	ID     string     `xml:"routeTableId"`
	VpcID  string     `xml:"vpcId"`
	Owner  string     `xml:"ownerId"`
	Routes []routeXML `xml:"routeSet>item"`
	Assocs []assocXML `xml:"associationSet>item"`
	Tags   []tagXML   `xml:"tagSet>item"`
}

// routeState is active while the route's target exists (an internet
// gateway attached to the VPC, an available NAT gateway), blackhole
// otherwise, as AWS reports it.
func (r *region) routeState(rt *routeTable, ro *route) string {
	switch {
	case ro.GatewayID == "local":
		return "active"
	case ro.GatewayID != "":
		if g := r.IGWs[ro.GatewayID]; g != nil && g.VpcID == rt.VpcID {
			return "active"
		}
	case ro.NatID != "":
		if n := r.NATs[ro.NatID]; n != nil && n.State == "available" {
			return "active"
		}
	}
	return "blackhole"
}

func (q *request) routeTableXML(rt *routeTable) routeTableXML {
	x := routeTableXML{ID: rt.ID, VpcID: rt.VpcID, Owner: q.account, Tags: q.tagSet(rt.ID)}
	for _, ro := range rt.Routes {
		x.Routes = append(x.Routes, routeXML{ro.Dest, ro.GatewayID, ro.NatID, q.r.routeState(rt, ro), ro.Origin})
	}
	for _, a := range rt.Assocs {
		x.Assocs = append(x.Assocs, assocXML{a.ID, rt.ID, a.SubnetID, a.Main, "associated"})
	}
	return x
}

func (s *Service) createRouteTable(q *request) (any, error) {
	id, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	v, err := find(q.r.Vpcs, "vpc", id)
	if err != nil {
		return nil, err
	}
	rt := &routeTable{ID: newID("rtb"), VpcID: v.ID, Routes: []*route{{Dest: v.CIDR, GatewayID: "local", Origin: "CreateRouteTable"}}}
	if err := q.tagSpecs(rt.ID, "route-table"); err != nil {
		return nil, err
	}
	q.r.Routes[rt.ID] = rt
	return struct {
		RouteTable routeTableXML `xml:"routeTable"`
	}{q.routeTableXML(rt)}, nil
}

func routeTableFields(rt *routeTable) fields {
	fl := fields{"route-table-id": {rt.ID}, "vpc-id": {rt.VpcID}, "association.main": {boolString(rt.main())},
		"association.subnet-id": nil, "association.route-table-association-id": nil,
		"route.destination-cidr-block": nil, "route.gateway-id": nil, "route.nat-gateway-id": nil}
	for _, a := range rt.Assocs {
		fl["association.route-table-association-id"] = append(fl["association.route-table-association-id"], a.ID)
		if a.SubnetID != "" {
			fl["association.subnet-id"] = append(fl["association.subnet-id"], a.SubnetID)
		}
	}
	for _, ro := range rt.Routes {
		fl["route.destination-cidr-block"] = append(fl["route.destination-cidr-block"], ro.Dest)
		if ro.GatewayID != "" {
			fl["route.gateway-id"] = append(fl["route.gateway-id"], ro.GatewayID)
		}
		if ro.NatID != "" {
			fl["route.nat-gateway-id"] = append(fl["route.nat-gateway-id"], ro.NatID)
		}
	}
	return fl
}

func (s *Service) describeRouteTables(q *request) (any, error) {
	rts, next, err := describe(q, q.f.List("RouteTableId"), "rtb", q.r.Routes, routeTableFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		RouteTables []routeTableXML `xml:"routeTableSet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, rt := range rts {
		out.RouteTables = append(out.RouteTables, q.routeTableXML(rt))
	}
	return out, nil
}

func (q *request) routeTable() (*routeTable, error) {
	id, err := q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	return find(q.r.Routes, "rtb", id)
}

func (s *Service) deleteRouteTable(q *request) (any, error) {
	rt, err := q.routeTable()
	if err != nil {
		return nil, err
	}
	if len(rt.Assocs) > 0 {
		return nil, dependency("The routeTable '%s' has dependencies and cannot be deleted.", rt.ID)
	}
	forgetIn(q.r, rt.ID, q.r.Routes)
	return returnTrue, nil
}

func (s *Service) createRoute(q *request) (any, error) {
	rt, err := q.routeTable()
	if err != nil {
		return nil, err
	}
	dest, err := q.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	if p, err := netip.ParsePrefix(dest); err != nil || !p.Addr().Is4() {
		return nil, invalidValue("Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.", dest)
	}
	ro := &route{Dest: dest, GatewayID: q.f.Get("GatewayId"), NatID: q.f.Get("NatGatewayId"), Origin: "CreateRoute"}
	switch {
	case (ro.GatewayID == "") == (ro.NatID == ""):
		return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidParameterCombination",
			"The request must contain exactly one of gatewayId or natGatewayId (the targets the simulator supports)")
	case ro.GatewayID != "":
		g := q.r.IGWs[ro.GatewayID]
		if g == nil {
			return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", ro.GatewayID)
		}
		if g.VpcID != rt.VpcID {
			return nil, invalidValue("route table %s and network gateway %s belong to different networks", rt.ID, g.ID)
		}
	default:
		n, err := find(q.r.NATs, "nat", ro.NatID)
		if err != nil {
			return nil, err
		}
		if n.VpcID != rt.VpcID {
			return nil, invalidValue("route table %s and network gateway %s belong to different networks", rt.ID, n.ID)
		}
	}
	for _, o := range rt.Routes {
		if o.Dest == dest {
			return nil, awsproto.Errorf(http.StatusBadRequest, "RouteAlreadyExists", "The route identified by %s already exists.", dest)
		}
	}
	rt.Routes = append(rt.Routes, ro)
	return returnTrue, nil
}

func (s *Service) deleteRoute(q *request) (any, error) {
	rt, err := q.routeTable()
	if err != nil {
		return nil, err
	}
	dest, err := q.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	for i, ro := range rt.Routes {
		if ro.Dest != dest {
			continue
		}
		if ro.GatewayID == "local" {
			return nil, invalidValue("cannot remove local route %s in route table %s", dest, rt.ID)
		}
		rt.Routes = append(rt.Routes[:i], rt.Routes[i+1:]...)
		return struct{}{}, nil
	}
	return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, rt.ID)
}

func (s *Service) associateRouteTable(q *request) (any, error) {
	rt, err := q.routeTable()
	if err != nil {
		return nil, err
	}
	sid, err := q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	sn, err := find(q.r.Subnets, "subnet", sid)
	if err != nil {
		return nil, err
	}
	if sn.VpcID != rt.VpcID {
		return nil, invalidValue("Route table %s and subnet %s belong to different networks", rt.ID, sn.ID)
	}
	for _, o := range q.r.Routes {
		for _, a := range o.Assocs {
			if a.SubnetID == sn.ID {
				return nil, awsproto.Errorf(http.StatusBadRequest, "Resource.AlreadyAssociated",
					"the specified association for route table %s conflicts with an existing association", rt.ID)
			}
		}
	}
	a := &association{ID: newID("rtbassoc"), SubnetID: sn.ID}
	rt.Assocs = append(rt.Assocs, a)
	return struct {
		ID    string `xml:"associationId"`
		State string `xml:"associationState>state"`
	}{a.ID, "associated"}, nil
}

func (s *Service) disassociateRouteTable(q *request) (any, error) {
	id, err := q.required("AssociationId")
	if err != nil {
		return nil, err
	}
	if err := checkID("rtbassoc", id); err != nil {
		return nil, err
	}
	for _, rt := range q.r.Routes {
		for i, a := range rt.Assocs {
			if a.ID != id {
				continue
			}
			if a.Main {
				return nil, invalidValue("cannot disassociate the main route table association %s", id)
			}
			rt.Assocs = append(rt.Assocs[:i], rt.Assocs[i+1:]...)
			return struct{}{}, nil
		}
	}
	return nil, notFound("rtbassoc", id)
}
