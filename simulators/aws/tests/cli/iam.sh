#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
r=cli-role-$RUN
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
expect "$(aws iam create-role --role-name "$r" --assume-role-policy-document "$trust" --query Role.Arn --output text)" \
	"arn:aws:iam::123456789012:role/$r" "create-role"
expect_error EntityAlreadyExists "duplicate role" -- aws iam create-role --role-name "$r" --assume-role-policy-document "$trust"
aws iam attach-role-policy --role-name "$r" --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
expect "$(aws iam list-attached-role-policies --role-name "$r" --query 'AttachedPolicies[0].PolicyName' --output text)" \
	AmazonECSTaskExecutionRolePolicy "attached policy"
expect_error DeleteConflict "delete with policies" -- aws iam delete-role --role-name "$r"
aws iam detach-role-policy --role-name "$r" --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
aws iam delete-role --role-name "$r"
expect_error NoSuchEntity "deleted role" -- aws iam get-role --role-name "$r"
