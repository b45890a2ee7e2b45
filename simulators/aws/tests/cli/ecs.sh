#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
c=cli-$RUN
g=/ecs/cli-$RUN
expect "$(aws ecs create-cluster --cluster-name "$c" --query cluster.status --output text)" ACTIVE "create-cluster"
aws logs create-log-group --log-group-name "$g"
defs='[{"name":"main","image":"public.ecr.aws/docker/library/alpine:3","entryPoint":["sh","-c"],
 "command":["echo $((6*7)); exit 3"],"essential":true,
 "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"'$g'","awslogs-region":"us-east-1","awslogs-stream-prefix":"ecs"}}}]'
expect "$(aws ecs register-task-definition --family "calc-$RUN" --network-mode awsvpc --requires-compatibilities FARGATE \
	--cpu 256 --memory 512 --container-definitions "$defs" --query taskDefinition.revision --output text)" 1 "register-task-definition"
subnet=$(aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'Subnets[0].SubnetId' --output text)
arn=$(aws ecs run-task --cluster "$c" --task-definition "calc-$RUN" --launch-type FARGATE \
	--network-configuration "awsvpcConfiguration={subnets=[$subnet]}" --query 'tasks[0].taskArn' --output text)
for _ in $(seq 30); do
	status=$(aws ecs describe-tasks --cluster "$c" --tasks "$arn" --query 'tasks[0].lastStatus' --output text)
	[ "$status" = STOPPED ] && break
	sleep 0.5
done
expect "$status" STOPPED "task reaches STOPPED"
expect "$(aws ecs describe-tasks --cluster "$c" --tasks "$arn" --query 'tasks[0].containers[0].exitCode' --output text)" 3 "exit code from the process"
expect "$(aws ecs describe-tasks --cluster "$c" --tasks "$arn" --query 'tasks[0].stopCode' --output text)" EssentialContainerExited "stopCode"
expect "$(aws logs get-log-events --log-group-name "$g" --log-stream-name "ecs/main/${arn##*/}" --start-from-head --query 'events[0].message' --output text)" \
	42 "output in CloudWatch Logs"
expect "$(aws ecs list-tasks --cluster "$c" --desired-status STOPPED --query 'length(taskArns)' --output text)" 1 "list-tasks STOPPED"
expect_error ClusterNotFoundException "missing cluster" -- aws ecs list-tasks --cluster "nope-$RUN"
