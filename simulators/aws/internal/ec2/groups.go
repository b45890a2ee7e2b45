package ec2

import (
	"net/http"
	"slices"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type securityGroupXML struct {
	OwnerID     string          `xml:"ownerId"`
	GroupID     string          `xml:"groupId"`
	GroupName   string          `xml:"groupName"`
	Description string          `xml:"groupDescription"`
	VpcID       string          `xml:"vpcId"`
	Arn         string          `xml:"securityGroupArn"`
	Ingress     []permissionXML `xml:"ipPermissions>item"`
	Egress      []permissionXML `xml:"ipPermissionsEgress>item"`
	Tags        []tagXML        `xml:"tagSet>item"`
}

func (q *request) groupArn(id string) string {
	return "arn:aws:ec2:" + q.r.Name + ":" + q.account + ":security-group/" + id
}

func (q *request) groupXML(g *securityGroup) securityGroupXML {
	return securityGroupXML{OwnerID: q.account, GroupID: g.ID, GroupName: g.Name, Description: g.Description,
		VpcID: g.VpcID, Arn: q.groupArn(g.ID), Ingress: q.permissions(g, false), Egress: q.permissions(g, true),
		Tags: q.tagSet(g.ID)}
}

func (s *Service) createSecurityGroup(q *request) (any, error) {
	name, err := q.required("GroupName")
	if err != nil {
		return nil, err
	}
	desc, err := q.required("GroupDescription")
	if err != nil {
		return nil, err
	}
	if name == "default" {
		return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidGroup.Reserved", "The security group 'default' is reserved")
	}
	if len(name) > 255 || len(desc) > 255 {
		return nil, invalidValue("Value for parameter GroupName or GroupDescription is too long (at most 255 characters)")
	}
	vpcID := q.f.Get("VpcId")
	if vpcID == "" {
		if vpcID = q.defaultVpc().ID; vpcID == "" {
			return nil, awsproto.Errorf(http.StatusBadRequest, "VPCIdNotSpecified", "No default VPC for this user")
		}
	}
	if _, err := find(q.r.Vpcs, "vpc", vpcID); err != nil {
		return nil, err
	}
	for _, g := range q.r.Groups {
		if g.VpcID == vpcID && g.Name == name {
			return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
		}
	}
	g := &securityGroup{ID: newID("sg"), Name: name, Description: desc, VpcID: vpcID,
		Rules: []*rule{{ID: newID("sgr"), Egress: true, Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"}}}
	if err := q.tagSpecs(g.ID, "security-group"); err != nil {
		return nil, err
	}
	q.r.Groups[g.ID] = g
	return struct {
		Return  bool     `xml:"return"`
		GroupID string   `xml:"groupId"`
		Arn     string   `xml:"securityGroupArn"`
		Tags    []tagXML `xml:"tagSet>item"`
	}{true, g.ID, q.groupArn(g.ID), q.tagSet(g.ID)}, nil
}

// group finds the group named by GroupId, or by GroupName in the default
// VPC (the only place EC2 accepts names).
func (q *request) group() (*securityGroup, error) {
	if id := q.f.Get("GroupId"); id != "" {
		return find(q.r.Groups, "sg", id)
	}
	name := q.f.Get("GroupName")
	if name == "" {
		return nil, awsproto.Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter groupName or groupId")
	}
	return q.groupByName(name)
}

func (q *request) groupByName(name string) (*securityGroup, error) {
	dv := q.defaultVpc()
	for _, g := range q.r.Groups {
		if g.VpcID == dv.ID && g.Name == name {
			return g, nil
		}
	}
	return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", name, dv.ID)
}

func groupFields(g *securityGroup) fields {
	fl := fields{"group-id": {g.ID}, "group-name": {g.Name}, "vpc-id": {g.VpcID}, "description": {g.Description},
		"ip-permission.cidr": nil, "ip-permission.protocol": nil, "ip-permission.from-port": nil,
		"ip-permission.to-port": nil, "ip-permission.group-id": nil, "egress.ip-permission.cidr": nil,
		"egress.ip-permission.protocol": nil}
	for _, r := range g.Rules {
		p := "ip-permission."
		if r.Egress {
			p = "egress.ip-permission."
		}
		fl[p+"protocol"] = append(fl[p+"protocol"], r.Protocol)
		fl[p+"from-port"] = append(fl[p+"from-port"], itoa(r.FromPort))
		fl[p+"to-port"] = append(fl[p+"to-port"], itoa(r.ToPort))
		if r.CIDR != "" {
			fl[p+"cidr"] = append(fl[p+"cidr"], r.CIDR)
		}
		if r.Group != "" {
			fl[p+"group-id"] = append(fl[p+"group-id"], r.Group)
		}
	}
	return fl
}

func (s *Service) describeSecurityGroups(q *request) (any, error) {
	ids := q.f.List("GroupId")
	for _, name := range q.f.List("GroupName") {
		g, err := q.groupByName(name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, g.ID)
	}
	gs, next, err := describe(q, ids, "sg", q.r.Groups, groupFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		Groups    []securityGroupXML `xml:"securityGroupInfo>item"`
		NextToken string             `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, g := range gs {
		out.Groups = append(out.Groups, q.groupXML(g))
	}
	return out, nil
}

func (s *Service) deleteSecurityGroup(q *request) (any, error) {
	g, err := q.group()
	if err != nil {
		return nil, err
	}
	if g.Name == "default" {
		return nil, awsproto.Errorf(http.StatusBadRequest, "CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.ID)
	}
	for _, e := range q.r.ENIs {
		if slices.Contains(e.Groups, g.ID) {
			return nil, dependency("resource %s has a dependent object", g.ID)
		}
	}
	for _, o := range q.r.Groups {
		for _, r := range o.Rules {
			if o.ID != g.ID && r.Group == g.ID {
				return nil, dependency("resource %s has a dependent object", g.ID)
			}
		}
	}
	forgetIn(q.r, g.ID, q.r.Groups)
	return struct {
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{true, g.ID}, nil
}
