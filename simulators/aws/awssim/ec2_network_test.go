package awssim

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
	ec2sim "github.com/sockerless/sockerless/simulators/aws/internal/ec2"
)

// TestEC2Gateways builds what a Terraform VPC module builds: a VPC, a
// public and a private subnet, an internet gateway, an Elastic IP, a NAT
// gateway and route tables, then takes it down in reverse.
func TestEC2Gateways(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := v.Vpc.VpcId
	pub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.0.0.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.0.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	igw, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	igwID := igw.InternetGateway.InternetGatewayId
	if _, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	wantCode(t, err, "Resource.AlreadyAssociated")
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	if err != nil {
		t.Fatal(err)
	}
	nat, err := c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: pub.Subnet.SubnetId, AllocationId: eip.AllocationId})
	if err != nil {
		t.Fatal(err)
	}
	natID := nat.NatGateway.NatGatewayId
	if nat.NatGateway.State != ec2types.NatGatewayStatePending || aws.ToString(nat.NatGateway.NatGatewayAddresses[0].PublicIp) != aws.ToString(eip.PublicIp) ||
		aws.ToString(nat.NatGateway.NatGatewayAddresses[0].PrivateIp) != "10.0.0.4" {
		t.Errorf("CreateNatGateway: %+v", nat.NatGateway)
	}
	_, err = c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: pub.Subnet.SubnetId, AllocationId: eip.AllocationId})
	wantCode(t, err, "Resource.AlreadyAssociated")
	w := ec2.NewNatGatewayAvailableWaiter(c)
	if err := w.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*natID}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	addrs, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{*eip.AllocationId}})
	if err != nil || len(addrs.Addresses) != 1 || aws.ToString(addrs.Addresses[0].PrivateIpAddress) != "10.0.0.4" {
		t.Fatalf("DescribeAddresses: %v %+v", err, addrs)
	}
	enis, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{filter("interface-type", "nat_gateway")}})
	if err != nil || len(enis.NetworkInterfaces) != 1 || !aws.ToBool(enis.NetworkInterfaces[0].RequesterManaged) {
		t.Fatalf("NAT gateway's interface: %v %+v", err, enis)
	}

	pubRT, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpcID})
	if err != nil {
		t.Fatal(err)
	}
	privRT, _ := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpcID})
	if _, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: pubRT.RouteTable.RouteTableId,
		DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igwID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: pubRT.RouteTable.RouteTableId,
		DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igwID})
	wantCode(t, err, "RouteAlreadyExists")
	if _, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: privRT.RouteTable.RouteTableId,
		DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: natID}); err != nil {
		t.Fatal(err)
	}
	a1, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: pubRT.RouteTable.RouteTableId, SubnetId: pub.Subnet.SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: privRT.RouteTable.RouteTableId, SubnetId: priv.Subnet.SubnetId})
	_, err = c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: privRT.RouteTable.RouteTableId, SubnetId: priv.Subnet.SubnetId})
	wantCode(t, err, "Resource.AlreadyAssociated")
	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{filter("association.subnet-id", *priv.Subnet.SubnetId)}})
	if err != nil || len(rts.RouteTables) != 1 {
		t.Fatalf("route table of the private subnet: %v %+v", err, rts)
	}
	var got []string
	for _, r := range rts.RouteTables[0].Routes {
		got = append(got, aws.ToString(r.DestinationCidrBlock)+" "+aws.ToString(r.GatewayId)+aws.ToString(r.NatGatewayId)+" "+string(r.State))
	}
	if d := cmp.Diff([]string{"10.0.0.0/16 local active", "0.0.0.0/0 " + *natID + " active"}, got); d != "" {
		t.Errorf("routes (-want +got):\n%s", d)
	}
	_, err = c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: privRT.RouteTable.RouteTableId})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igwID})
	wantCode(t, err, "DependencyViolation")
	_, err = c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	wantCode(t, err, "InvalidIPAddress.InUse")

	// Tear down, as terraform destroy does.
	d, err := c.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: natID})
	if err != nil || aws.ToString(d.NatGatewayId) != *natID {
		t.Fatal(err)
	}
	if err := ec2.NewNatGatewayDeletedWaiter(c).Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*natID}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	rts, _ = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{*privRT.RouteTable.RouteTableId}})
	if s := rts.RouteTables[0].Routes[1].State; s != ec2types.RouteStateBlackhole {
		t.Errorf("route to a deleted NAT gateway is %s, want blackhole", s)
	}
	for _, a := range []*string{a1.AssociationId, a2.AssociationId} {
		if _, err := c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: pubRT.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: pubRT.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0")})
	wantCode(t, err, "InvalidRoute.NotFound")
	for _, rt := range []*string{pubRT.RouteTable.RouteTableId, privRT.RouteTable.RouteTableId} {
		if _, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: rt}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: igwID, VpcId: aws.String("vpc-00000000000000000")})
	wantCode(t, err, "Gateway.NotAttached")
	if _, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igwID}); err != nil {
		t.Fatal(err)
	}
	for _, sn := range []*string{pub.Subnet.SubnetId, priv.Subnet.SubnetId} {
		if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpcID}); err != nil {
		t.Fatal(err)
	}
}

func TestEC2Tags(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	vs, _ := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	sns, _ := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	ids := []string{*vs.Vpcs[0].VpcId, *sns.Subnets[0].SubnetId}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: []ec2types.Tag{
		{Key: aws.String("env"), Value: aws.String("ci")}, {Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"subnet-00000000000000000"}, Tags: []ec2types.Tag{{Key: aws.String("k")}}})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"bogus-1"}, Tags: []ec2types.Tag{{Key: aws.String("k")}}})
	wantCode(t, err, "InvalidID")
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids[:1], Tags: []ec2types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidParameterValue")

	tags, err := c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{filter("resource-type", "subnet")}})
	if err != nil || len(tags.Tags) != 2 || tags.Tags[0].ResourceType != ec2types.ResourceTypeSubnet {
		t.Fatalf("DescribeTags: %v %+v", err, tags)
	}
	var n int
	p := ec2.NewDescribeTagsPaginator(c, &ec2.DescribeTagsInput{MaxResults: aws.Int32(5), Filters: []ec2types.Filter{filter("key", "env", "team")}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Tags)
	}
	if n != 4 {
		t.Errorf("paged %d tags, want 4", n)
	}
	// A value that does not match keeps the tag; no value removes it.
	if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: ids, Tags: []ec2types.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team")}}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("tag-key", "env")}})
	if err != nil || len(got.Vpcs) != 1 || len(got.Vpcs[0].Tags) != 1 || aws.ToString(got.Vpcs[0].Tags[0].Value) != "ci" {
		t.Fatalf("after DeleteTags: %v %+v", err, got)
	}
}

func TestEC2ZonesAndRegions(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	azs, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil || len(azs.AvailabilityZones) != 3 || aws.ToString(azs.AvailabilityZones[0].ZoneId) != "use1-az1" ||
		azs.AvailabilityZones[0].State != ec2types.AvailabilityZoneStateAvailable {
		t.Fatalf("DescribeAvailabilityZones: %v %+v", err, azs)
	}
	one, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2types.Filter{filter("zone-name", "us-east-1c")}})
	if err != nil || len(one.AvailabilityZones) != 1 {
		t.Fatalf("zone filter: %v %+v", err, one)
	}
	_, err = c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"us-east-1q"}})
	wantCode(t, err, "InvalidParameterValue")
	rs, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"eu-west-1"}})
	if err != nil || len(rs.Regions) != 1 || aws.ToString(rs.Regions[0].Endpoint) != "ec2.eu-west-1.amazonaws.com" {
		t.Fatalf("DescribeRegions: %v %+v", err, rs)
	}
	all, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil || len(all.Regions) < 10 {
		t.Fatalf("DescribeRegions: %v %+v", err, all)
	}
}

// TestEC2Interfaces creates interfaces through the allocator ECS uses for
// awsvpc tasks and reads them back with DescribeNetworkInterfaces.
func TestEC2Interfaces(t *testing.T) {
	sim, cfg, _ := start(t, Options{})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	v, _ := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.9.0.0/28")})
	if err != nil {
		t.Fatal(err)
	}
	var ips []string
	for range 11 { // a /28 has 16 addresses, 5 of them reserved
		i, err := sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId, Description: "arn:aws:ecs:us-east-1:123456789012:attachment/x"})
		if err != nil {
			t.Fatal(err)
		}
		ips = append(ips, i.PrivateIP)
	}
	if ips[0] != "10.9.0.4" || ips[10] != "10.9.0.14" {
		t.Errorf("allocated %v", ips)
	}
	_, err = sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId})
	wantCode(t, err, "InsufficientFreeAddressesInSubnet")
	_, err = sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: "subnet-00000000000000000"})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	def, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
	_, err = sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId, Groups: []string{*def.SecurityGroups[0].GroupId}})
	wantCode(t, err, "InvalidParameterValue") // the default VPC's group, another network

	enis, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{
		filter("subnet-id", *sn.Subnet.SubnetId), filter("private-ip-address", "10.9.0.5")}})
	if err != nil || len(enis.NetworkInterfaces) != 1 {
		t.Fatalf("DescribeNetworkInterfaces: %v %+v", err, enis)
	}
	e := enis.NetworkInterfaces[0]
	if aws.ToString(e.PrivateDnsName) != "ip-10-9-0-5.ec2.internal" || len(e.Groups) != 1 || aws.ToString(e.Groups[0].GroupName) != "default" ||
		e.Status != ec2types.NetworkInterfaceStatusInUse || len(aws.ToString(e.MacAddress)) != 17 {
		t.Errorf("interface %+v", e)
	}
	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId})
	wantCode(t, err, "DependencyViolation")
	if err := sim.ec2.DeleteInterface(ctx, "us-east-1", *e.NetworkInterfaceId); err != nil {
		t.Fatal(err)
	}
	// The freed address is the next one handed out.
	i, err := sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId})
	if err != nil || i.PrivateIP != "10.9.0.5" {
		t.Errorf("reallocated %+v %v", i, err)
	}
	_, err = c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{*e.NetworkInterfaceId}})
	wantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
	_, err = sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId, PrivateIP: "10.9.0.6"})
	wantCode(t, err, "InvalidIPAddress.InUse")
	_, err = sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId, PrivateIP: "10.9.0.2"})
	wantCode(t, err, "InvalidParameterValue") // reserved by AWS
}

func TestEC2Persistence(t *testing.T) {
	dir := t.TempDir()
	sim, cfg, _ := start(t, Options{DataDir: dir})
	c := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sn, _ := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.0.0/24")})
	c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{*v.Vpc.VpcId}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	i, err := sim.ec2.CreateInterface(ctx, "us-east-1", ec2sim.InterfaceRequest{SubnetID: *sn.Subnet.SubnetId, Description: "task"})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("is-default", "true")}})
	// A region only ever described keeps its default VPC too.
	euCfg := cfg.Copy()
	euCfg.Region = "eu-west-1"
	eu, err := ec2.NewFromConfig(euCfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}

	_, cfg2, _ := start(t, Options{DataDir: dir}) // a second process on the same directory
	c2 := ec2.NewFromConfig(cfg2)
	got, err := c2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("tag:k", "v")}})
	if err != nil || len(got.Vpcs) != 1 || *got.Vpcs[0].VpcId != *v.Vpc.VpcId {
		t.Fatalf("after restart: %v %+v", err, got)
	}
	def2, _ := c2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("is-default", "true")}})
	if *def2.Vpcs[0].VpcId != *def.Vpcs[0].VpcId {
		t.Errorf("default VPC changed across restart")
	}
	euCfg2 := cfg2.Copy()
	euCfg2.Region = "eu-west-1"
	eu2, err := ec2.NewFromConfig(euCfg2).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || *eu2.Vpcs[0].VpcId != *eu.Vpcs[0].VpcId {
		t.Errorf("eu-west-1's default VPC changed across restart: %v", err)
	}
	enis, err := c2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{i.ID}})
	if err != nil || aws.ToString(enis.NetworkInterfaces[0].PrivateIpAddress) != "10.0.0.4" {
		t.Fatalf("interface after restart: %v %+v", err, enis)
	}
}
