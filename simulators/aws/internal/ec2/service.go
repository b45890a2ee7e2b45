// Package ec2 serves the networking part of Amazon EC2 that ECS tasks,
// Lambda functions and their Terraform need, over EC2's Query protocol:
// VPCs, subnets, security groups and their rules, network interfaces,
// route tables, internet and NAT gateways, Elastic IPs, tags, regions and
// availability zones. Every region has its default VPC (172.31.0.0/16)
// with a default subnet per availability zone, a default security group,
// a main route table and an attached internet gateway, as AWS accounts do.
//
// API reference: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/.
package ec2

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Namespace is the XML namespace of EC2 answers.
const Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// APIVersion is the Version parameter of every EC2 Query request.
const APIVersion = "2016-11-15"

const kindRegions = "ec2/regions"

// Service is the EC2 simulator.
type Service struct {
	account string
	store   *state.Store
	now     func() time.Time

	mu      sync.Mutex
	regions map[string]*region
}

// New returns the EC2 service for account, loading its state from store.
func New(account string, store *state.Store) (*Service, error) {
	s := &Service{account: account, store: store, now: time.Now, regions: map[string]*region{}}
	err := store.Load(kindRegions, func(_ string, b []byte) error {
		r := &region{}
		if err := json.Unmarshal(b, r); err != nil {
			return err
		}
		r.fill()
		s.regions[r.Name] = r
		return nil
	})
	return s, err
}

// request is one call of an action: its parameters and the region whose
// network it reads or changes. s.mu is held while it runs.
type request struct {
	f       awsproto.Form
	r       *region
	account string
}

type action func(s *Service, q *request) (any, error)

// actions lists every operation; the ones whose names start with Describe
// change nothing, the others are followed by a write of the region.
var actions = map[string]action{
	"CreateVpc":                     (*Service).createVpc,
	"DescribeVpcs":                  (*Service).describeVpcs,
	"DeleteVpc":                     (*Service).deleteVpc,
	"CreateSubnet":                  (*Service).createSubnet,
	"DescribeSubnets":               (*Service).describeSubnets,
	"DeleteSubnet":                  (*Service).deleteSubnet,
	"CreateSecurityGroup":           (*Service).createSecurityGroup,
	"DescribeSecurityGroups":        (*Service).describeSecurityGroups,
	"DeleteSecurityGroup":           (*Service).deleteSecurityGroup,
	"AuthorizeSecurityGroupIngress": (*Service).authorizeIngress,
	"AuthorizeSecurityGroupEgress":  (*Service).authorizeEgress,
	"RevokeSecurityGroupIngress":    (*Service).revokeIngress,
	"RevokeSecurityGroupEgress":     (*Service).revokeEgress,
	"DescribeSecurityGroupRules":    (*Service).describeRules,
	"DescribeNetworkInterfaces":     (*Service).describeENIs,
	"CreateRouteTable":              (*Service).createRouteTable,
	"DescribeRouteTables":           (*Service).describeRouteTables,
	"DeleteRouteTable":              (*Service).deleteRouteTable,
	"CreateRoute":                   (*Service).createRoute,
	"DeleteRoute":                   (*Service).deleteRoute,
	"AssociateRouteTable":           (*Service).associateRouteTable,
	"DisassociateRouteTable":        (*Service).disassociateRouteTable,
	"CreateInternetGateway":         (*Service).createIGW,
	"DescribeInternetGateways":      (*Service).describeIGWs,
	"DeleteInternetGateway":         (*Service).deleteIGW,
	"AttachInternetGateway":         (*Service).attachIGW,
	"DetachInternetGateway":         (*Service).detachIGW,
	"CreateNatGateway":              (*Service).createNAT,
	"DescribeNatGateways":           (*Service).describeNATs,
	"DeleteNatGateway":              (*Service).deleteNAT,
	"AllocateAddress":               (*Service).allocateAddress,
	"DescribeAddresses":             (*Service).describeAddresses,
	"ReleaseAddress":                (*Service).releaseAddress,
	"CreateTags":                    (*Service).createTags,
	"DeleteTags":                    (*Service).deleteTags,
	"DescribeTags":                  (*Service).describeTags,
	"DescribeAvailabilityZones":     (*Service).describeAZs,
	"DescribeRegions":               (*Service).describeRegions,
	"DescribeVpcAttribute":          (*Service).describeVpcAttribute,
	"ModifyVpcAttribute":            (*Service).modifyVpcAttribute,
	"ModifySubnetAttribute":         (*Service).modifySubnetAttribute,
	"DescribeNetworkAcls":           (*Service).describeNetworkACLs,
}

// Serve answers one EC2 Query request for the region it was signed for.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, f awsproto.Form) {
	name := f.Get("Action")
	fn, ok := actions[name]
	if !ok {
		err := awsproto.Errorf(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service.", name)
		if name == "" {
			err = awsproto.Errorf(http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action")
		}
		awsproto.WriteError(w, r, awsproto.EC2Query, err)
		return
	}
	if f.Get("DryRun") == "true" {
		awsproto.WriteError(w, r, awsproto.EC2Query, awsproto.Errorf(http.StatusPreconditionFailed, "DryRunOperation",
			"Request would have succeeded, but DryRun flag is set."))
		return
	}
	c := awsproto.CallFrom(r.Context())
	s.mu.Lock()
	var out any
	reg, err := s.region(c.Region)
	if err == nil {
		q := &request{f: f, r: reg, account: s.account}
		out, err = fn(s, q)
		if err == nil && !strings.HasPrefix(name, "Describe") {
			err = s.save(q.r)
		}
	}
	s.mu.Unlock()
	if err != nil {
		awsproto.WriteError(w, r, awsproto.EC2Query, err)
		return
	}
	awsproto.WriteEC2(w, r, Namespace, name, out)
}

func (s *Service) save(r *region) error { return s.store.Put(kindRegions, r.Name, r) }

// newID returns an EC2 resource ID: prefix, a dash and 17 hex digits.
func newID(prefix string) string {
	b := make([]byte, 9)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)[:17]
}

// region returns name's network, creating (and persisting, so that its
// IDs survive a restart) its default VPC on first use; s.mu is held.
func (s *Service) region(name string) (*region, error) {
	if r := s.regions[name]; r != nil {
		return r, nil
	}
	r := newRegion(name)
	v := &vpc{ID: newID("vpc"), CIDR: "172.31.0.0/16", DHCP: newID("dopt"), IsDefault: true, Tenancy: "default",
		DNSSupport: true, DNSHostnames: true}
	r.Vpcs[v.ID] = v
	rt := r.addVpcDefaults(v)
	for i, az := range zones(name) {
		sn := &subnet{ID: newID("subnet"), VpcID: v.ID, CIDR: defaultSubnetCIDR(i), AZ: az.name,
			IsDefault: true, MapPublicIP: true}
		r.Subnets[sn.ID] = sn
	}
	igw := &internetGateway{ID: newID("igw"), VpcID: v.ID}
	r.IGWs[igw.ID] = igw
	rt.Routes = append(rt.Routes, &route{Dest: "0.0.0.0/0", GatewayID: igw.ID, Origin: "CreateRoute"})
	if err := s.save(r); err != nil {
		return nil, err
	}
	s.regions[name] = r
	return r, nil
}

// addVpcDefaults gives a new VPC what AWS creates with it: the default
// security group and the main route table, which it returns.
func (r *region) addVpcDefaults(v *vpc) *routeTable {
	sg := &securityGroup{ID: newID("sg"), Name: "default", Description: "default VPC security group", VpcID: v.ID}
	sg.Rules = []*rule{
		{ID: newID("sgr"), Protocol: "-1", FromPort: -1, ToPort: -1, Group: sg.ID},
		{ID: newID("sgr"), Egress: true, Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"},
	}
	r.Groups[sg.ID] = sg
	rt := &routeTable{ID: newID("rtb"), VpcID: v.ID,
		Routes: []*route{{Dest: v.CIDR, GatewayID: "local", Origin: "CreateRouteTable"}},
		Assocs: []*association{{ID: newID("rtbassoc"), Main: true}}}
	r.Routes[rt.ID] = rt
	return rt
}

func defaultSubnetCIDR(i int) string {
	return "172.31." + itoa(16*i) + ".0/20"
}
