package awssim

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
)

func filter(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func TestEC2DefaultVPC(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	vs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("is-default", "true")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.Vpcs) != 1 || aws.ToString(vs.Vpcs[0].CidrBlock) != "172.31.0.0/16" || !aws.ToBool(vs.Vpcs[0].IsDefault) ||
		vs.Vpcs[0].State != ec2types.VpcStateAvailable || aws.ToString(vs.Vpcs[0].OwnerId) != "123456789012" {
		t.Fatalf("default VPC: %+v", vs.Vpcs)
	}
	vpcID := vs.Vpcs[0].VpcId
	sns, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{filter("vpc-id", *vpcID)}})
	if err != nil {
		t.Fatal(err)
	}
	var azs []string
	for _, sn := range sns.Subnets {
		if !aws.ToBool(sn.DefaultForAz) || !aws.ToBool(sn.MapPublicIpOnLaunch) || aws.ToInt32(sn.AvailableIpAddressCount) != 4091 {
			t.Errorf("default subnet %+v", sn)
		}
		azs = append(azs, aws.ToString(sn.AvailabilityZone))
	}
	if d := cmp.Diff([]string{"us-east-1a", "us-east-1b", "us-east-1c"}, sorted(azs)); d != "" {
		t.Errorf("default subnets' zones (-want +got):\n%s", d)
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
	if err != nil || len(sgs.SecurityGroups) != 1 || aws.ToString(sgs.SecurityGroups[0].VpcId) != *vpcID ||
		len(sgs.SecurityGroups[0].IpPermissionsEgress) != 1 || len(sgs.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs) != 1 {
		t.Fatalf("default group: %v %+v", err, sgs)
	}
	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{filter("association.main", "true"), filter("vpc-id", *vpcID)}})
	if err != nil || len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 2 || rts.RouteTables[0].Routes[1].State != ec2types.RouteStateActive {
		t.Fatalf("main route table: %v %+v", err, rts)
	}
	igws, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{filter("attachment.vpc-id", *vpcID)}})
	if err != nil || len(igws.InternetGateways) != 1 {
		t.Fatalf("default internet gateway: %v %+v", err, igws)
	}
	// Another region has its own default VPC.
	cfg2 := cfg.Copy()
	cfg2.Region = "eu-west-1"
	vs2, err := ec2.NewFromConfig(cfg2).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(vs2.Vpcs) != 1 || aws.ToString(vs2.Vpcs[0].VpcId) == *vpcID {
		t.Fatalf("eu-west-1: %v %+v", err, vs2)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestEC2VpcsAndSubnets(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc,
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("main")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := v.Vpc.VpcId
	if v.Vpc.State != ec2types.VpcStatePending || len(v.Vpc.Tags) != 1 || aws.ToBool(v.Vpc.IsDefault) {
		t.Errorf("CreateVpc: %+v", v.Vpc)
	}
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	wantCode(t, err, "InvalidVpc.Range")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.300/16")})
	wantCode(t, err, "InvalidParameterValue")

	got, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("tag:Name", "ma*")}})
	if err != nil || len(got.Vpcs) != 1 || *got.Vpcs[0].VpcId != *vpcID || got.Vpcs[0].State != ec2types.VpcStateAvailable {
		t.Fatalf("DescribeVpcs by tag: %v %+v", err, got)
	}
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"nope"}})
	wantCode(t, err, "InvalidVpcID.Malformed")
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("colour", "blue")}})
	wantCode(t, err, "InvalidParameterValue")

	sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1b")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sn.Subnet.AvailabilityZoneId) != "use1-az2" || aws.ToInt32(sn.Subnet.AvailableIpAddressCount) != 251 ||
		sn.Subnet.State != ec2types.SubnetStatePending {
		t.Errorf("CreateSubnet: %+v", sn.Subnet)
	}
	for _, tc := range []struct{ cidr, az, code string }{
		{"10.0.1.128/25", "", "InvalidSubnet.Conflict"},
		{"10.0.0.0/16", "", "InvalidSubnet.Conflict"},
		{"10.1.0.0/24", "", "InvalidSubnet.Range"},
		{"10.0.2.0/29", "", "InvalidSubnet.Range"},
		{"10.0.2.0/24", "us-east-1z", "InvalidParameterValue"},
	} {
		in := &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String(tc.cidr)}
		if tc.az != "" {
			in.AvailabilityZone = aws.String(tc.az)
		}
		_, err = c.CreateSubnet(ctx, in)
		wantCode(t, err, tc.code)
	}
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-00000000000000000"), CidrBlock: aws.String("10.0.2.0/24")})
	wantCode(t, err, "InvalidVpcID.NotFound")

	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpcID})
	wantCode(t, err, "DependencyViolation")
	if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpcID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{*vpcID}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	// The VPC's default group went with it.
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("vpc-id", *vpcID)}})
	if err != nil || len(sgs.SecurityGroups) != 0 {
		t.Errorf("groups of a deleted VPC: %v %+v", err, sgs)
	}
}

func TestEC2Pagination(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	for _, cidr := range []string{"10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16"} {
		if _, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)}); err != nil {
			t.Fatal(err)
		}
	}
	var n, pages int
	p := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, pages = n+len(page.Vpcs), pages+1
	}
	if n != 7 || pages != 2 {
		t.Errorf("%d VPCs in %d pages, want 7 in 2", n, pages)
	}
	_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidPaginationToken")
}

func TestEC2SecurityGroups(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	vs, _ := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	vpcID := vs.Vpcs[0].VpcId
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web servers"), VpcId: vpcID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("again"), VpcId: vpcID})
	wantCode(t, err, "InvalidGroup.Duplicate")
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("x"), Description: aws.String("x"), VpcId: aws.String("vpc-00000000000000000")})
	wantCode(t, err, "InvalidVpcID.NotFound")

	http := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("world")}, {CidrIp: aws.String("10.0.0.0/8")}}}
	a, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{http}})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(a.Return) || len(a.SecurityGroupRules) != 2 || aws.ToString(a.SecurityGroupRules[0].CidrIpv4) != "0.0.0.0/0" {
		t.Errorf("Authorize: %+v", a)
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{http}})
	wantCode(t, err, "InvalidPermission.Duplicate")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), IpRanges: http.IpRanges}}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-00000000000000000"), IpPermissions: []ec2types.IpPermission{http}})
	wantCode(t, err, "InvalidGroup.NotFound")
	self := ec2types.IpPermission{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: g.GroupId}}}
	if _, err := c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{self}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*g.GroupId}})
	if err != nil {
		t.Fatal(err)
	}
	sg := d.SecurityGroups[0]
	if len(sg.IpPermissions) != 1 || len(sg.IpPermissions[0].IpRanges) != 2 || aws.ToInt32(sg.IpPermissions[0].FromPort) != 80 ||
		len(sg.IpPermissionsEgress) != 1 || len(sg.IpPermissionsEgress[0].UserIdGroupPairs) != 1 || aws.ToString(sg.Description) != "web servers" {
		t.Errorf("DescribeSecurityGroups: %+v", sg)
	}
	byCidr, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("ip-permission.cidr", "10.0.0.0/8")}})
	if err != nil || len(byCidr.SecurityGroups) != 1 {
		t.Errorf("filter by cidr: %v %+v", err, byCidr)
	}
	rules, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{filter("group-id", *g.GroupId)}})
	if err != nil || len(rules.SecurityGroupRules) != 4 {
		t.Fatalf("DescribeSecurityGroupRules: %v %+v", err, rules)
	}
	r, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{http}})
	if err != nil || !aws.ToBool(r.Return) || len(r.UnknownIpPermissions) != 0 {
		t.Fatalf("Revoke: %v %+v", err, r)
	}
	r, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{http}})
	if err != nil || aws.ToBool(r.Return) || len(r.UnknownIpPermissions) != 1 {
		t.Fatalf("Revoke of missing rules: %v %+v", err, r)
	}
	// The group refers to itself; that is no obstacle to deleting it.
	if _, err := c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{self}}); err != nil {
		t.Fatal(err)
	}
	def, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: def.SecurityGroups[0].GroupId})
	wantCode(t, err, "CannotDelete")
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId})
	wantCode(t, err, "InvalidGroup.NotFound")
}

// TestEC2TerraformReads covers what Terraform reads and sets for every
// aws_vpc and aws_subnet beyond Describe: the DNS attributes, the default
// network ACL and MapPublicIpOnLaunch.
func TestEC2TerraformReads(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := v.Vpc.VpcId
	a, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: vpcID, Attribute: ec2types.VpcAttributeNameEnableDnsHostnames})
	if err != nil || aws.ToBool(a.EnableDnsHostnames.Value) {
		t.Fatalf("enableDnsHostnames of a new VPC: %v %+v", err, a)
	}
	if _, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: vpcID,
		EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	a, err = c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: vpcID, Attribute: ec2types.VpcAttributeNameEnableDnsHostnames})
	if err != nil || !aws.ToBool(a.EnableDnsHostnames.Value) {
		t.Fatalf("enableDnsHostnames after Modify: %v %+v", err, a)
	}
	a, err = c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: vpcID, Attribute: ec2types.VpcAttributeNameEnableDnsSupport})
	if err != nil || !aws.ToBool(a.EnableDnsSupport.Value) {
		t.Fatalf("enableDnsSupport: %v %+v", err, a)
	}
	sn, _ := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.0.0.0/24")})
	if _, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: sn.Subnet.SubnetId,
		MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	got, _ := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{*sn.Subnet.SubnetId}})
	if !aws.ToBool(got.Subnets[0].MapPublicIpOnLaunch) {
		t.Errorf("MapPublicIpOnLaunch not set: %+v", got.Subnets[0])
	}
	acls, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{filter("vpc-id", *vpcID), filter("default", "true")}})
	if err != nil || len(acls.NetworkAcls) != 1 || len(acls.NetworkAcls[0].Entries) != 4 || len(acls.NetworkAcls[0].Associations) != 1 ||
		aws.ToString(acls.NetworkAcls[0].Associations[0].SubnetId) != *sn.Subnet.SubnetId {
		t.Fatalf("default network ACL: %v %+v", err, acls)
	}
}
