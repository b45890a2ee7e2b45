package ec2

import "strings"

// Every VPC has its default network ACL, which allows all traffic and
// is associated with all the VPC's subnets. The simulator has no other
// ACLs, so the default one is derived from the VPC (acl-<the VPC's hex>)
// rather than stored.

type aclEntryXML struct {
	RuleNumber int    `xml:"ruleNumber"`
	Protocol   string `xml:"protocol"`
	RuleAction string `xml:"ruleAction"`
	Egress     bool   `xml:"egress"`
	CidrBlock  string `xml:"cidrBlock"`
}

type aclAssocXML struct {
	ID       string `xml:"networkAclAssociationId"`
	ACLID    string `xml:"networkAclId"`
	SubnetID string `xml:"subnetId"`
}

type aclXML struct {
	ID      string        `xml:"networkAclId"`
	VpcID   string        `xml:"vpcId"`
	Default bool          `xml:"default"`
	Entries []aclEntryXML `xml:"entrySet>item"`
	Assocs  []aclAssocXML `xml:"associationSet>item"`
	Tags    []tagXML      `xml:"tagSet>item"`
	OwnerID string        `xml:"ownerId"`
}

type networkACL struct {
	ID, VpcID string
	Subnets   []string
}

func aclID(vpcID string) string { return "acl-" + strings.TrimPrefix(vpcID, "vpc-") }

func (s *Service) describeNetworkACLs(q *request) (any, error) {
	acls := map[string]*networkACL{}
	for _, v := range q.r.Vpcs {
		acls[aclID(v.ID)] = &networkACL{ID: aclID(v.ID), VpcID: v.ID}
	}
	for _, sn := range q.r.Subnets {
		if a := acls[aclID(sn.VpcID)]; a != nil {
			a.Subnets = append(a.Subnets, sn.ID)
		}
	}
	as, next, err := describe(q, q.f.List("NetworkAclId"), "acl", acls, func(a *networkACL) fields {
		return fields{"network-acl-id": {a.ID}, "vpc-id": {a.VpcID}, "default": {"true"}, "association.subnet-id": a.Subnets}
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		ACLs      []aclXML `xml:"networkAclSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, a := range as {
		x := aclXML{ID: a.ID, VpcID: a.VpcID, Default: true, OwnerID: q.account, Tags: q.tagSet(a.ID)}
		for _, egress := range []bool{false, true} {
			x.Entries = append(x.Entries, aclEntryXML{100, "-1", "allow", egress, "0.0.0.0/0"},
				aclEntryXML{32767, "-1", "deny", egress, "0.0.0.0/0"})
		}
		for _, sn := range a.Subnets {
			x.Assocs = append(x.Assocs, aclAssocXML{"aclassoc-" + strings.TrimPrefix(sn, "subnet-"), a.ID, sn})
		}
		out.ACLs = append(out.ACLs, x)
	}
	return out, nil
}
