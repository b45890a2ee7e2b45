#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
expect "$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].CidrBlock' --output text)" \
	172.31.0.0/16 "default VPC"
vpc=$(aws ec2 create-vpc --cidr-block 10.20.0.0/16 --tag-specifications "ResourceType=vpc,Tags=[{Key=Name,Value=cli-$RUN}]" \
	--query Vpc.VpcId --output text)
expect "$(aws ec2 describe-vpcs --filters "Name=tag:Name,Values=cli-$RUN" --query 'Vpcs[0].VpcId' --output text)" "$vpc" "vpc by tag"
expect_error InvalidVpc.Range "VPC too large" -- aws ec2 create-vpc --cidr-block 10.0.0.0/8
sn=$(aws ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.20.1.0/24 --query Subnet.SubnetId --output text)
expect "$(aws ec2 describe-subnets --subnet-ids "$sn" --query 'Subnets[0].[CidrBlock,AvailableIpAddressCount]' --output text)" \
	"10.20.1.0/24	251" "subnet"
expect_error InvalidSubnet.Conflict "overlapping subnet" -- aws ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.20.1.128/25
sg=$(aws ec2 create-security-group --group-name "web-$RUN" --description web --vpc-id "$vpc" --query GroupId --output text)
aws ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --cidr 0.0.0.0/0 >/dev/null
expect_error InvalidPermission.Duplicate "duplicate rule" -- aws ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --cidr 0.0.0.0/0
expect "$(aws ec2 describe-security-groups --group-ids "$sg" --query 'SecurityGroups[0].IpPermissions[0].[IpProtocol,FromPort,ToPort,IpRanges[0].CidrIp]' --output text)" \
	"tcp	443	443	0.0.0.0/0" "ingress rule"
igw=$(aws ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
aws ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
expect_error Resource.AlreadyAssociated "attach twice" -- aws ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
rt=$(aws ec2 create-route-table --vpc-id "$vpc" --query RouteTable.RouteTableId --output text)
aws ec2 create-route --route-table-id "$rt" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" >/dev/null
aws ec2 associate-route-table --route-table-id "$rt" --subnet-id "$sn" >/dev/null
expect "$(aws ec2 describe-route-tables --filters "Name=association.subnet-id,Values=$sn" --query 'RouteTables[0].Routes[?DestinationCidrBlock==`0.0.0.0/0`].GatewayId' --output text)" \
	"$igw" "route to the internet gateway"
aws ec2 create-tags --resources "$sn" --tags Key=tier,Value=public
expect "$(aws ec2 describe-tags --filters "Name=resource-id,Values=$sn" --query 'Tags[0].[ResourceType,Key,Value]' --output text)" \
	"subnet	tier	public" "describe-tags"
expect_error DependencyViolation "delete a VPC in use" -- aws ec2 delete-vpc --vpc-id "$vpc"
# The VPC above stays (the simulator starts empty for every run); a bare
# one shows deletion.
bare=$(aws ec2 create-vpc --cidr-block 10.21.0.0/16 --query Vpc.VpcId --output text)
aws ec2 delete-vpc --vpc-id "$bare"
expect_error InvalidVpcID.NotFound "deleted VPC" -- aws ec2 describe-vpcs --vpc-ids "$bare"
