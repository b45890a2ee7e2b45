package ecsdriver

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// defaultSubnets returns the region's default subnets (one per zone of
// the default VPC), the subnets tasks run in when none is configured,
// as the ECS console offers them.
func defaultSubnets(ctx context.Context, c *ec2.Client) ([]string, error) {
	var ids []string
	p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ecs backend: find the default subnets: %w", awsErr(err))
		}
		for _, sn := range out.Subnets {
			ids = append(ids, aws.ToString(sn.SubnetId))
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("ecs backend: no subnet is configured and the region has no default VPC subnets: set --subnet or " + EnvSubnets)
	}
	// RunTask takes at most 16 subnets.
	return ids[:min(len(ids), 16)], nil
}
