package awssim

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

// defaultNet is an awsvpc configuration in the default VPC's subnets, as
// a user without a VPC of their own passes them.
func defaultNet(t *testing.T, cfg aws.Config) *ecstypes.NetworkConfiguration {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{filter("default-for-az", "true")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Subnets) == 0 {
		t.Fatal("no default subnets")
	}
	var ids []string
	for _, sn := range out.Subnets {
		ids = append(ids, aws.ToString(sn.SubnetId))
	}
	return &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: ids}}
}

func detail(a ecstypes.Attachment, name string) string {
	for _, d := range a.Details {
		if aws.ToString(d.Name) == name {
			return aws.ToString(d.Value)
		}
	}
	return ""
}

// TestRunTaskENI: an awsvpc task's interface is EC2's, in the first
// subnet, with the VPC's default group; it is deleted when the task stops.
func TestRunTaskENI(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c, ec := ecs.NewFromConfig(cfg), ec2.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	registerShell(t, c, "idle", nil, "")
	net := defaultNet(t, cfg)
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("idle"), NetworkConfiguration: net,
		LaunchType: ecstypes.LaunchTypeFargate})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	task := waitTask(t, c, "default", arn, "RUNNING")
	a := task.Attachments[0]
	eni := detail(a, "networkInterfaceId")
	got, err := ec.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
	if err != nil {
		t.Fatal(err)
	}
	i := got.NetworkInterfaces[0]
	sgs, err := ec.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		filter("vpc-id", aws.ToString(i.VpcId)), filter("group-name", "default")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{net.AwsvpcConfiguration.Subnets[0], aws.ToString(i.MacAddress), aws.ToString(i.PrivateDnsName),
		aws.ToString(i.PrivateIpAddress), aws.ToString(i.AvailabilityZone), aws.ToString(sgs.SecurityGroups[0].GroupId),
		"arn:aws:ecs:us-east-1:" + aws.ToString(i.OwnerId) + ":attachment/" + aws.ToString(a.Id)}
	gotVals := []string{detail(a, "subnetId"), detail(a, "macAddress"), detail(a, "privateDnsName"),
		detail(a, "privateIPv4Address"), aws.ToString(task.AvailabilityZone), aws.ToString(i.Groups[0].GroupId),
		aws.ToString(i.Description)}
	if d := cmp.Diff(want, gotVals); d != "" {
		t.Errorf("attachment vs EC2 (-want +got):\n%s", d)
	}
	if ip := aws.ToString(task.Containers[0].NetworkInterfaces[0].PrivateIpv4Address); ip != aws.ToString(i.PrivateIpAddress) {
		t.Errorf("container's address %s", ip)
	}
	if _, err := c.StopTask(ctx, &ecs.StopTaskInput{Task: &arn}); err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", arn, "STOPPED")
	if aws.ToString(task.Attachments[0].Status) != "DELETED" {
		t.Errorf("attachment %s", aws.ToString(task.Attachments[0].Status))
	}
	_, err = ec.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
	wantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
}

func TestRunTaskBadNetwork(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	registerShell(t, c, "idle", nil, "")
	subnet := defaultNet(t, cfg).AwsvpcConfiguration.Subnets[0]
	tests := []struct {
		name            string
		subnets, groups []string
		want            string
	}{
		{"unknown subnet", []string{"subnet-0123456789abcdef0"}, nil,
			"Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID 'subnet-0123456789abcdef0' does not exist (ErrorCode: InvalidSubnetID.NotFound)"},
		{"malformed subnet", []string{"subnet-x"}, nil,
			"Error retrieving subnet information for [subnet-x]: The subnet ID 'subnet-x' does not exist (ErrorCode: InvalidSubnetID.NotFound)"},
		{"unknown group", []string{subnet}, []string{"sg-0123456789abcdef0"},
			"Error retrieving security group information for [sg-0123456789abcdef0]: The security group 'sg-0123456789abcdef0' does not exist (ErrorCode: InvalidGroup.NotFound)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("idle"),
				NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
					Subnets: tc.subnets, SecurityGroups: tc.groups}}})
			wantCode(t, err, "InvalidParameterException")
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	list, err := c.ListTasks(ctx, &ecs.ListTasksInput{})
	if err != nil || len(list.TaskArns) != 0 {
		t.Errorf("tasks after failed RunTask: %v %v", list.TaskArns, err)
	}
}
