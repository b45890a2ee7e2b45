#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
g=/cli/logs-$RUN
aws logs create-log-group --log-group-name "$g" --tags team=ci
expect_error ResourceAlreadyExistsException "duplicate group" -- aws logs create-log-group --log-group-name "$g"
aws logs create-log-stream --log-group-name "$g" --log-stream-name s1
now=$(($(date +%s) * 1000))
aws logs put-log-events --log-group-name "$g" --log-stream-name s1 \
	--log-events "timestamp=$now,message=hello" "timestamp=$((now + 1)),message=world" >/dev/null
expect "$(aws logs get-log-events --log-group-name "$g" --log-stream-name s1 --start-from-head --query 'events[].message' --output text)" \
	"hello	world" "get-log-events from head"
expect "$(aws logs filter-log-events --log-group-name "$g" --filter-pattern world --query 'events[].message' --output text)" \
	world "filter-log-events term"
aws logs put-retention-policy --log-group-name "$g" --retention-in-days 7
expect "$(aws logs describe-log-groups --log-group-name-prefix "$g" --query 'logGroups[0].retentionInDays' --output text)" 7 "retention"
expect "$(aws logs describe-log-streams --log-group-name "$g" --query 'logStreams[0].logStreamName' --output text)" s1 "describe-log-streams"
expect "$(aws logs list-tags-log-group --log-group-name "$g" --query tags.team --output text)" ci "tags"
expect_error ResourceNotFoundException "missing stream" -- aws logs get-log-events --log-group-name "$g" --log-stream-name nope
aws logs delete-log-group --log-group-name "$g"
expect_error ResourceNotFoundException "deleted group" -- aws logs delete-log-group --log-group-name "$g"
