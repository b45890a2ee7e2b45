#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
# DiscoverInstances is sent to "data-" + the endpoint's host unless host
# prefixes are turned off; the simulator (and moto) serve it on one host.
export AWS_DISABLE_HOST_PREFIX_INJECTION=true
ns_name=cli-$RUN.local
vpc=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
op=$(aws servicediscovery create-private-dns-namespace --name "$ns_name" --vpc "$vpc" --query OperationId --output text)
expect "$(aws servicediscovery get-operation --operation-id "$op" --query 'Operation.[Type,Status]' --output text)" \
	"CREATE_NAMESPACE	SUCCESS" "namespace operation"
ns=$(aws servicediscovery get-operation --operation-id "$op" --query Operation.Targets.NAMESPACE --output text)
expect "$(aws servicediscovery get-namespace --id "$ns" --query 'Namespace.[Name,Type]' --output text)" \
	"$ns_name	DNS_PRIVATE" "get-namespace"
expect "$(aws servicediscovery list-namespaces --query "Namespaces[?Name=='$ns_name'].Id" --output text)" "$ns" "list-namespaces"
svc=$(aws servicediscovery create-service --name web --namespace-id "$ns" \
	--dns-config 'RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=60}]' --query Service.Id --output text)
expect_error ServiceAlreadyExists "duplicate service" -- aws servicediscovery create-service --name web --namespace-id "$ns" \
	--dns-config 'RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=60}]'
expect_error InvalidInput "instance without an IPv4 address" -- aws servicediscovery register-instance --service-id "$svc" \
	--instance-id task-0 --attributes AWS_INSTANCE_PORT=80
aws servicediscovery register-instance --service-id "$svc" --instance-id task-1 \
	--attributes AWS_INSTANCE_IPV4=10.0.0.7,AWS_INSTANCE_PORT=80 >/dev/null
expect "$(aws servicediscovery list-instances --service-id "$svc" --query 'Instances[0].[Id,Attributes.AWS_INSTANCE_IPV4]' --output text)" \
	"task-1	10.0.0.7" "list-instances"
expect "$(aws servicediscovery discover-instances --namespace-name "$ns_name" --service-name web \
	--query 'Instances[0].[InstanceId,Attributes.AWS_INSTANCE_IPV4]' --output text)" "task-1	10.0.0.7" "discover-instances"
expect "$(aws servicediscovery list-services --filters "Name=NAMESPACE_ID,Values=$ns,Condition=EQ" --query 'Services[0].Name' --output text)" \
	web "list-services"
expect_error ResourceInUse "delete a namespace with services" -- aws servicediscovery delete-namespace --id "$ns"
aws servicediscovery deregister-instance --service-id "$svc" --instance-id task-1 >/dev/null
expect_error InstanceNotFound "deregistered instance" -- aws servicediscovery get-instance --service-id "$svc" --instance-id task-1
aws servicediscovery delete-service --id "$svc"
aws servicediscovery delete-namespace --id "$ns" >/dev/null
expect_error NamespaceNotFound "deleted namespace" -- aws servicediscovery get-namespace --id "$ns"
