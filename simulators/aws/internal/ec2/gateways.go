package ec2

import (
	"net/http"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type igwAttachmentXML struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

type igwXML struct {
	ID          string             `xml:"internetGatewayId"`
	OwnerID     string             `xml:"ownerId"`
	Attachments []igwAttachmentXML `xml:"attachmentSet>item"`
	Tags        []tagXML           `xml:"tagSet>item"`
}

// igwXML describes an internet gateway; an attached one reports the
// attachment state "available", as AWS does.
func (q *request) igwXML(g *internetGateway) igwXML {
	x := igwXML{ID: g.ID, OwnerID: q.account, Tags: q.tagSet(g.ID)}
	if g.VpcID != "" {
		x.Attachments = []igwAttachmentXML{{g.VpcID, "available"}}
	}
	return x
}

func (s *Service) createIGW(q *request) (any, error) {
	g := &internetGateway{ID: newID("igw")}
	if err := q.tagSpecs(g.ID, "internet-gateway"); err != nil {
		return nil, err
	}
	q.r.IGWs[g.ID] = g
	return struct {
		IGW igwXML `xml:"internetGateway"`
	}{q.igwXML(g)}, nil
}

func igwFields(g *internetGateway) fields {
	fl := fields{"internet-gateway-id": {g.ID}, "attachment.vpc-id": nil, "attachment.state": nil}
	if g.VpcID != "" {
		fl["attachment.vpc-id"], fl["attachment.state"] = []string{g.VpcID}, []string{"available"}
	}
	return fl
}

func (s *Service) describeIGWs(q *request) (any, error) {
	gs, next, err := describe(q, q.f.List("InternetGatewayId"), "igw", q.r.IGWs, igwFields)
	if err != nil {
		return nil, err
	}
	out := struct {
		IGWs      []igwXML `xml:"internetGatewaySet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, g := range gs {
		out.IGWs = append(out.IGWs, q.igwXML(g))
	}
	return out, nil
}

func (q *request) igw() (*internetGateway, error) {
	id, err := q.required("InternetGatewayId")
	if err != nil {
		return nil, err
	}
	return find(q.r.IGWs, "igw", id)
}

func (s *Service) deleteIGW(q *request) (any, error) {
	g, err := q.igw()
	if err != nil {
		return nil, err
	}
	if g.VpcID != "" {
		return nil, dependency("The internetGateway '%s' has dependencies and cannot be deleted.", g.ID)
	}
	forgetIn(q.r, g.ID, q.r.IGWs)
	return returnTrue, nil
}

func (s *Service) attachIGW(q *request) (any, error) {
	g, err := q.igw()
	if err != nil {
		return nil, err
	}
	vid, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	if _, err := find(q.r.Vpcs, "vpc", vid); err != nil {
		return nil, err
	}
	if g.VpcID != "" {
		return nil, awsproto.Errorf(http.StatusBadRequest, "Resource.AlreadyAssociated", "resource %s is already attached to network %s", g.ID, g.VpcID)
	}
	for _, o := range q.r.IGWs {
		if o.VpcID == vid {
			return nil, awsproto.Errorf(http.StatusBadRequest, "Resource.AlreadyAssociated", "resource %s is already attached to network %s", o.ID, vid)
		}
	}
	g.VpcID = vid
	return returnTrue, nil
}

func (s *Service) detachIGW(q *request) (any, error) {
	g, err := q.igw()
	if err != nil {
		return nil, err
	}
	vid, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	if g.VpcID != vid {
		return nil, awsproto.Errorf(http.StatusBadRequest, "Gateway.NotAttached", "resource %s is not attached to network %s", g.ID, vid)
	}
	g.VpcID = ""
	return returnTrue, nil
}
