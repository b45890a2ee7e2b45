package ec2

import (
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type ipRangeXML struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type ipv6RangeXML struct {
	CidrIpv6    string `xml:"cidrIpv6"`
	Description string `xml:"description,omitempty"`
}

type groupPairXML struct {
	UserID      string `xml:"userId"`
	GroupID     string `xml:"groupId"`
	Description string `xml:"description,omitempty"`
}

type permissionXML struct {
	IPProtocol string         `xml:"ipProtocol"`
	FromPort   *int           `xml:"fromPort,omitempty"`
	ToPort     *int           `xml:"toPort,omitempty"`
	Groups     []groupPairXML `xml:"groups>item"`
	IPRanges   []ipRangeXML   `xml:"ipRanges>item"`
	Ipv6Ranges []ipv6RangeXML `xml:"ipv6Ranges>item"`
}

// permissions merges g's rules of one direction into IpPermissions, one
// per protocol and port range, as DescribeSecurityGroups answers them.
func (q *request) permissions(g *securityGroup, egress bool) []permissionXML {
	var out []permissionXML
	index := map[string]int{}
	for _, r := range g.Rules {
		if r.Egress != egress {
			continue
		}
		k := fmt.Sprint(r.Protocol, r.FromPort, r.ToPort)
		i, ok := index[k]
		if !ok {
			p := permissionXML{IPProtocol: r.Protocol}
			if r.Protocol != "-1" {
				p.FromPort, p.ToPort = &r.FromPort, &r.ToPort
			}
			out = append(out, p)
			i = len(out) - 1
			index[k] = i
		}
		p := &out[i]
		switch {
		case r.CIDR != "":
			p.IPRanges = append(p.IPRanges, ipRangeXML{r.CIDR, r.Description})
		case r.CIDR6 != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, ipv6RangeXML{r.CIDR6, r.Description})
		default:
			p.Groups = append(p.Groups, groupPairXML{q.account, r.Group, r.Description})
		}
	}
	return out
}

// protocols maps the names and numbers EC2 accepts to the name it stores.
var protocols = map[string]string{"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp",
	"icmpv6": "icmpv6", "58": "icmpv6", "-1": "-1", "all": "-1"}

// parseRules reads the IpPermissions.N of an Authorize or Revoke call (or
// the older top-level IpProtocol/FromPort/ToPort/CidrIp) as one rule per
// peer.
func (q *request) parseRules(g *securityGroup, egress bool) ([]*rule, error) {
	perms := q.f.Structs("IpPermissions")
	if len(perms) == 0 && q.f.Get("IpProtocol") != "" {
		perms = []string{""}
	}
	var out []*rule
	for _, p := range perms {
		get := func(k string) string { return q.f.Get(strings.TrimPrefix(p+"."+k, ".")) }
		proto, ok := protocols[strings.ToLower(get("IpProtocol"))]
		if !ok {
			if n, err := strconv.Atoi(get("IpProtocol")); err == nil && n >= 0 && n <= 255 {
				proto, ok = get("IpProtocol"), true
			}
		}
		if !ok {
			return nil, invalidValue("Invalid value '%s' for IP protocol. Unknown protocol.", get("IpProtocol"))
		}
		from, to, err := ports(proto, get("FromPort"), get("ToPort"))
		if err != nil {
			return nil, err
		}
		base := rule{Egress: egress, Protocol: proto, FromPort: from, ToPort: to}
		add := func(r rule) { r.ID = newID("sgr"); out = append(out, &r) }
		if p == "" {
			if c := q.f.Get("CidrIp"); c != "" {
				base.CIDR = c
				add(base)
			}
		}
		for _, ir := range q.f.Structs(strings.TrimPrefix(p+".IpRanges", ".")) {
			r := base
			r.CIDR, r.Description = q.f.Get(ir+".CidrIp"), q.f.Get(ir+".Description")
			if pre, err := netip.ParsePrefix(r.CIDR); err != nil || !pre.Addr().Is4() {
				return nil, invalidValue("CIDR block %s is malformed", r.CIDR)
			}
			add(r)
		}
		for _, ir := range q.f.Structs(p + ".Ipv6Ranges") {
			r := base
			r.CIDR6, r.Description = q.f.Get(ir+".CidrIpv6"), q.f.Get(ir+".Description")
			if pre, err := netip.ParsePrefix(r.CIDR6); err != nil || !pre.Addr().Is6() {
				return nil, invalidValue("CIDR block %s is malformed", r.CIDR6)
			}
			add(r)
		}
		for _, gp := range q.f.Structs(p + ".Groups") {
			r := base
			r.Group, r.Description = q.f.Get(gp+".GroupId"), q.f.Get(gp+".Description")
			if r.Group == "" && q.f.Get(gp+".GroupName") != "" {
				og, err := q.groupByName(q.f.Get(gp + ".GroupName"))
				if err != nil {
					return nil, err
				}
				r.Group = og.ID
			}
			if _, err := find(q.r.Groups, "sg", r.Group); err != nil {
				return nil, err
			}
			add(r)
		}
		if q.f.Get(p+".PrefixListIds.1.PrefixListId") != "" {
			return nil, invalidValue("Prefix lists are not supported by the simulator")
		}
	}
	if len(out) == 0 {
		return nil, awsproto.Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter ipPermissions")
	}
	return out, nil
}

// ports checks a rule's port range: TCP and UDP need both ends, -1 (all
// traffic) has none, ICMP's are type and code (-1: all).
func ports(proto, fromS, toS string) (int, int, error) {
	if proto == "-1" {
		return -1, -1, nil
	}
	num := func(s string) (int, bool) {
		if s == "" {
			return -1, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	from, okF := num(fromS)
	to, okT := num(toS)
	if proto == "tcp" || proto == "udp" {
		if !okF || !okT {
			return 0, 0, invalidValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
		}
		if from < 0 || to > 65535 || from > to {
			return 0, 0, invalidValue("Invalid TCP/UDP port range %d-%d", from, to)
		}
	}
	return from, to, nil
}

func (r *rule) same(o *rule) bool {
	return r.Egress == o.Egress && r.Protocol == o.Protocol && r.FromPort == o.FromPort && r.ToPort == o.ToPort &&
		r.CIDR == o.CIDR && r.CIDR6 == o.CIDR6 && r.Group == o.Group
}

func (r *rule) String() string {
	peer := r.CIDR + r.CIDR6 + r.Group
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", peer, strings.ToUpper(r.Protocol), r.FromPort, r.ToPort)
}

func (s *Service) authorizeIngress(q *request) (any, error) { return q.authorize(false) }
func (s *Service) authorizeEgress(q *request) (any, error)  { return q.authorize(true) }
func (s *Service) revokeIngress(q *request) (any, error)    { return q.revoke(false) }
func (s *Service) revokeEgress(q *request) (any, error)     { return q.revoke(true) }

func (q *request) authorize(egress bool) (any, error) {
	g, err := q.group()
	if err != nil {
		return nil, err
	}
	rules, err := q.parseRules(g, egress)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		for _, o := range g.Rules {
			if r.same(o) {
				return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", r)
			}
		}
	}
	g.Rules = append(g.Rules, rules...)
	return struct {
		Return bool      `xml:"return"`
		Rules  []ruleXML `xml:"securityGroupRuleSet>item"`
	}{true, q.rulesXML(g, rules)}, nil
}

// revoke removes rules by IpPermissions or SecurityGroupRuleId.N. As EC2
// does, rules that do not exist are not an error: they come back in
// unknownIpPermissionSet and return is false.
func (q *request) revoke(egress bool) (any, error) {
	g, err := q.group()
	if err != nil {
		return nil, err
	}
	var unknown []*rule
	if ids := q.f.List("SecurityGroupRuleId"); len(ids) > 0 {
		for _, id := range ids {
			i := q.ruleIndex(g, func(r *rule) bool { return r.ID == id && r.Egress == egress })
			if i < 0 {
				return nil, notFound("sgr", id)
			}
			g.Rules = append(g.Rules[:i], g.Rules[i+1:]...)
		}
	} else {
		rules, err := q.parseRules(g, egress)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			i := q.ruleIndex(g, r.same)
			if i < 0 {
				unknown = append(unknown, r)
				continue
			}
			g.Rules = append(g.Rules[:i], g.Rules[i+1:]...)
		}
	}
	return struct {
		Return  bool            `xml:"return"`
		Unknown []permissionXML `xml:"unknownIpPermissionSet>item"`
	}{len(unknown) == 0, q.permissions(&securityGroup{Rules: unknown}, egress)}, nil
}

func (q *request) ruleIndex(g *securityGroup, match func(*rule) bool) int {
	for i, r := range g.Rules {
		if match(r) {
			return i
		}
	}
	return -1
}

type ruleXML struct {
	ID         string `xml:"securityGroupRuleId"`
	GroupID    string `xml:"groupId"`
	OwnerID    string `xml:"groupOwnerId"`
	IsEgress   bool   `xml:"isEgress"`
	IPProtocol string `xml:"ipProtocol"`
	FromPort   int    `xml:"fromPort"`
	ToPort     int    `xml:"toPort"`
	CidrIpv4   string `xml:"cidrIpv4,omitempty"`
	CidrIpv6   string `xml:"cidrIpv6,omitempty"`
	Referenced *struct {
		GroupID string `xml:"groupId"`
		UserID  string `xml:"userId"`
	} `xml:"referencedGroupInfo,omitempty"`
	Description string   `xml:"description,omitempty"`
	Arn         string   `xml:"securityGroupRuleArn"`
	Tags        []tagXML `xml:"tagSet>item"`
}

func (q *request) rulesXML(g *securityGroup, rules []*rule) []ruleXML {
	out := make([]ruleXML, 0, len(rules))
	for _, r := range rules {
		x := ruleXML{ID: r.ID, GroupID: g.ID, OwnerID: q.account, IsEgress: r.Egress, IPProtocol: r.Protocol,
			FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CIDR, CidrIpv6: r.CIDR6, Description: r.Description,
			Arn: "arn:aws:ec2:" + q.r.Name + ":" + q.account + ":security-group-rule/" + r.ID, Tags: q.tagSet(r.ID)}
		if r.Group != "" {
			x.Referenced = &struct {
				GroupID string `xml:"groupId"`
				UserID  string `xml:"userId"`
			}{r.Group, q.account}
		}
		out = append(out, x)
	}
	return out
}

// describeRules lists rules one peer each, filtered by group-id or
// security-group-rule-id.
func (s *Service) describeRules(q *request) (any, error) {
	want := q.f.List("SecurityGroupRuleId")
	fs := q.filters()
	out := struct {
		Rules []ruleXML `xml:"securityGroupRuleSet>item"`
	}{}
	ids := make([]string, 0, len(q.r.Groups))
	for id := range q.r.Groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		g := q.r.Groups[id]
		for _, r := range g.Rules {
			if len(want) > 0 && !slices.Contains(want, r.ID) {
				continue
			}
			ok, err := q.matches(fs, r.ID, fields{"group-id": {g.ID}, "security-group-rule-id": {r.ID}})
			if err != nil {
				return nil, err
			}
			if ok {
				out.Rules = append(out.Rules, q.rulesXML(g, []*rule{r})...)
			}
		}
	}
	return out, nil
}
