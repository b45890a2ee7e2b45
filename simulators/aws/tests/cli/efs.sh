#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
fs=$(aws efs create-file-system --creation-token "cli-$RUN" --tags Key=Name,Value="cli-$RUN" --query FileSystemId --output text)
expect "$(aws efs describe-file-systems --file-system-id "$fs" --query 'FileSystems[0].[LifeCycleState,Name,PerformanceMode]' --output text)" \
	"available	cli-$RUN	generalPurpose" "describe-file-systems"
expect_error FileSystemAlreadyExists "same creation token" -- aws efs create-file-system --creation-token "cli-$RUN"
subnet=$(aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'Subnets[0].SubnetId' --output text)
mt=$(aws efs create-mount-target --file-system-id "$fs" --subnet-id "$subnet" --query MountTargetId --output text)
expect "$(aws efs describe-mount-targets --file-system-id "$fs" --query 'MountTargets[0].[MountTargetId,SubnetId]' --output text)" \
	"$mt	$subnet" "describe-mount-targets"
eni=$(aws efs describe-mount-targets --mount-target-id "$mt" --query 'MountTargets[0].NetworkInterfaceId' --output text)
ip=$(aws efs describe-mount-targets --mount-target-id "$mt" --query 'MountTargets[0].IpAddress' --output text)
expect "$(aws ec2 describe-network-interfaces --network-interface-ids "$eni" --query 'NetworkInterfaces[0].PrivateIpAddress' --output text)" \
	"$ip" "mount target interface"
expect_error MountTargetConflict "second mount target in the zone" -- aws efs create-mount-target --file-system-id "$fs" --subnet-id "$subnet"
expect_error SubnetNotFound "unknown subnet" -- aws efs create-mount-target --file-system-id "$fs" --subnet-id subnet-00000000000000000
ap=$(aws efs create-access-point --file-system-id "$fs" --posix-user Uid=1000,Gid=1000 \
	--root-directory 'Path=/data,CreationInfo={OwnerUid=1000,OwnerGid=1000,Permissions=0755}' --query AccessPointId --output text)
expect "$(aws efs describe-access-points --access-point-id "$ap" --query 'AccessPoints[0].[RootDirectory.Path,PosixUser.Uid]' --output text)" \
	"/data	1000" "describe-access-points"
aws efs tag-resource --resource-id "$fs" --tags Key=env,Value=ci
expect "$(aws efs list-tags-for-resource --resource-id "$fs" --query "Tags[?Key=='env'].Value" --output text)" ci "tags"
expect_error FileSystemInUse "delete with a mount target" -- aws efs delete-file-system --file-system-id "$fs"
aws efs delete-access-point --access-point-id "$ap"
aws efs delete-mount-target --mount-target-id "$mt"
aws efs delete-file-system --file-system-id "$fs"
expect_error FileSystemNotFound "deleted file system" -- aws efs describe-file-systems --file-system-id "$fs"
