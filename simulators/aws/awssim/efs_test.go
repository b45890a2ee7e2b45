package awssim

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

func TestEFSFileSystems(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := efs.NewFromConfig(cfg)
	ctx := t.Context()
	fs, err := c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok-1"), Encrypted: aws.Bool(true),
		Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := fs.FileSystemId
	if fs.LifeCycleState != efstypes.LifeCycleStateCreating || aws.ToString(fs.Name) != "data" || fs.PerformanceMode != efstypes.PerformanceModeGeneralPurpose ||
		aws.ToString(fs.FileSystemArn) != "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"+*id || aws.ToString(fs.KmsKeyId) == "" {
		t.Errorf("CreateFileSystem: %+v", fs)
	}
	_, err = c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok-1")})
	wantCode(t, err, "FileSystemAlreadyExists")
	_, err = c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok-2"), ThroughputMode: efstypes.ThroughputModeProvisioned})
	wantCode(t, err, "BadRequest")
	av, err := c.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: id})
	if err != nil || av.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("DescribeFileSystems: %v %+v", err, av)
	}
	if _, err := c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok-3")}); err != nil {
		t.Fatal(err)
	}
	var n int
	p := efs.NewDescribeFileSystemsPaginator(c, &efs.DescribeFileSystemsInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.FileSystems)
	}
	if n != 2 {
		t.Errorf("paged %d file systems, want 2", n)
	}
	byToken, err := c.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{CreationToken: aws.String("tok-3")})
	if err != nil || len(byToken.FileSystems) != 1 {
		t.Fatalf("by creation token: %v %+v", err, byToken)
	}
	if _, err := c.PutLifecycleConfiguration(ctx, &efs.PutLifecycleConfigurationInput{FileSystemId: id,
		LifecyclePolicies: []efstypes.LifecyclePolicy{{TransitionToIA: efstypes.TransitionToIARulesAfter30Days}}}); err != nil {
		t.Fatal(err)
	}
	lc, err := c.DescribeLifecycleConfiguration(ctx, &efs.DescribeLifecycleConfigurationInput{FileSystemId: id})
	if err != nil || len(lc.LifecyclePolicies) != 1 || lc.LifecyclePolicies[0].TransitionToIA != efstypes.TransitionToIARulesAfter30Days {
		t.Fatalf("lifecycle: %v %+v", err, lc)
	}
	if _, err := c.TagResource(ctx, &efs.TagResourceInput{ResourceId: id, Tags: []efstypes.Tag{{Key: aws.String("env"), Value: aws.String("ci")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &efs.UntagResourceInput{ResourceId: id, TagKeys: []string{"Name"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &efs.ListTagsForResourceInput{ResourceId: id})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	if _, err := c.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: id})
	wantCode(t, err, "FileSystemNotFound")
	_, err = c.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: id})
	wantCode(t, err, "FileSystemNotFound")
}

func TestEFSMountTargetsAndAccessPoints(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := efs.NewFromConfig(cfg)
	e := ec2.NewFromConfig(cfg)
	ctx := t.Context()
	fs, err := c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("mt")})
	if err != nil {
		t.Fatal(err)
	}
	sns, _ := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	sn := sns.Subnets[0]
	g, _ := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("nfs"), Description: aws.String("nfs"), VpcId: sn.VpcId})
	mt, err := c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: sn.SubnetId,
		SecurityGroups: []string{*g.GroupId}})
	if err != nil {
		t.Fatal(err)
	}
	if mt.LifeCycleState != efstypes.LifeCycleStateCreating || aws.ToString(mt.VpcId) != aws.ToString(sn.VpcId) ||
		aws.ToString(mt.AvailabilityZoneName) != aws.ToString(sn.AvailabilityZone) || aws.ToString(mt.AvailabilityZoneId) == "" {
		t.Errorf("CreateMountTarget: %+v", mt)
	}
	// The mount target's interface is in EC2, with its address.
	enis, err := e.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{*mt.NetworkInterfaceId}})
	if err != nil || aws.ToString(enis.NetworkInterfaces[0].PrivateIpAddress) != aws.ToString(mt.IpAddress) {
		t.Fatalf("mount target interface: %v %+v", err, enis)
	}
	_, err = c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: sn.SubnetId})
	wantCode(t, err, "MountTargetConflict")
	_, err = c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: aws.String("subnet-00000000000000000")})
	wantCode(t, err, "SubnetNotFound")
	_, err = c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: sns.Subnets[1].SubnetId,
		SecurityGroups: []string{"sg-00000000000000000"}})
	wantCode(t, err, "SecurityGroupNotFound")
	_, err = c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: aws.String("fs-00000000000000000"), SubnetId: sn.SubnetId})
	wantCode(t, err, "FileSystemNotFound")
	ip := strings.TrimSuffix(aws.ToString(sns.Subnets[1].CidrBlock), "0/20") + "100" // 172.31.x.100
	mt2, err := c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: sns.Subnets[1].SubnetId,
		IpAddress: aws.String(ip)})
	if err != nil || aws.ToString(mt2.IpAddress) != ip {
		t.Fatalf("mount target at an address: %v %+v", err, mt2)
	}
	one, err := c.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{MountTargetId: mt.MountTargetId})
	if err != nil || len(one.MountTargets) != 1 || one.MountTargets[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("DescribeMountTargets: %v %+v", err, one)
	}
	mts, err := c.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: fs.FileSystemId})
	if err != nil || len(mts.MountTargets) != 2 {
		t.Fatalf("DescribeMountTargets: %v %+v", err, mts)
	}
	_, err = c.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{})
	wantCode(t, err, "BadRequest")
	sgs, err := c.DescribeMountTargetSecurityGroups(ctx, &efs.DescribeMountTargetSecurityGroupsInput{MountTargetId: mt.MountTargetId})
	if err != nil || len(sgs.SecurityGroups) != 1 || sgs.SecurityGroups[0] != *g.GroupId {
		t.Fatalf("mount target groups: %v %+v", err, sgs)
	}
	d, _ := c.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: fs.FileSystemId})
	if d.FileSystems[0].NumberOfMountTargets != 2 {
		t.Errorf("NumberOfMountTargets = %d", d.FileSystems[0].NumberOfMountTargets)
	}

	ap, err := c.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId,
		PosixUser: &efstypes.PosixUser{Uid: aws.Int64(1000), Gid: aws.Int64(1000)},
		RootDirectory: &efstypes.RootDirectory{Path: aws.String("/data"), CreationInfo: &efstypes.CreationInfo{
			OwnerUid: aws.Int64(1000), OwnerGid: aws.Int64(1000), Permissions: aws.String("0755")}},
		Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("app")}}})
	if err != nil {
		t.Fatal(err)
	}
	if ap.LifeCycleState != efstypes.LifeCycleStateCreating || aws.ToString(ap.Name) != "app" || aws.ToString(ap.RootDirectory.Path) != "/data" ||
		aws.ToInt64(ap.PosixUser.Uid) != 1000 {
		t.Errorf("CreateAccessPoint: %+v", ap)
	}
	_, err = c.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId,
		RootDirectory: &efstypes.RootDirectory{Path: aws.String("relative")}})
	wantCode(t, err, "BadRequest")
	_, err = c.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId, ClientToken: ap.ClientToken})
	wantCode(t, err, "AccessPointAlreadyExists")
	aps, err := c.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{FileSystemId: fs.FileSystemId})
	if err != nil || len(aps.AccessPoints) != 1 || aps.AccessPoints[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("DescribeAccessPoints: %v %+v", err, aps)
	}
	byAP, err := c.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{AccessPointId: ap.AccessPointId})
	if err != nil || len(byAP.MountTargets) != 2 {
		t.Fatalf("mount targets by access point: %v %+v", err, byAP)
	}

	_, err = c.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId})
	wantCode(t, err, "FileSystemInUse")
	if _, err := c.DeleteAccessPoint(ctx, &efs.DeleteAccessPointInput{AccessPointId: ap.AccessPointId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{AccessPointId: ap.AccessPointId})
	wantCode(t, err, "AccessPointNotFound")
	for _, m := range []*string{mt.MountTargetId, mt2.MountTargetId} {
		if _, err := c.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: m}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: mt.MountTargetId})
	wantCode(t, err, "MountTargetNotFound")
	_, err = e.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{*mt.NetworkInterfaceId}})
	wantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
	if _, err := c.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}); err != nil {
		t.Fatal(err)
	}
}

func TestEFSPersistence(t *testing.T) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{DataDir: dir})
	c := efs.NewFromConfig(cfg)
	ctx := t.Context()
	fs, err := c.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("keep")})
	if err != nil {
		t.Fatal(err)
	}
	sns, _ := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	mt, err := c.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: sns.Subnets[0].SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	ap, err := c.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId})
	if err != nil {
		t.Fatal(err)
	}
	_, cfg2, _ := start(t, Options{DataDir: dir})
	c2 := efs.NewFromConfig(cfg2)
	mts, err := c2.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: fs.FileSystemId})
	if err != nil || len(mts.MountTargets) != 1 || aws.ToString(mts.MountTargets[0].IpAddress) != aws.ToString(mt.IpAddress) {
		t.Fatalf("after restart: %v %+v", err, mts)
	}
	aps, err := c2.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{AccessPointId: ap.AccessPointId})
	if err != nil || aws.ToString(aps.AccessPoints[0].RootDirectory.Path) != "/" {
		t.Fatalf("access point after restart: %v %+v", err, aps)
	}
}
