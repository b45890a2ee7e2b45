package awssim

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdClient returns a Cloud Map client that keeps the simulator's host for
// DiscoverInstances, which the SDK otherwise sends to "data-" + host.
func sdClient(cfg aws.Config) *sd.Client {
	return sd.NewFromConfig(cfg, func(o *sd.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		})
	})
}

// createNamespace makes a private DNS namespace in the default VPC and
// waits for its operation.
func createNamespace(t *testing.T, cfg aws.Config, name string) string {
	t.Helper()
	ctx := t.Context()
	vs, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := sdClient(cfg)
	op, err := c.CreatePrivateDnsNamespace(ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String(name), Vpc: vs.Vpcs[0].VpcId,
		CreatorRequestId: aws.String("req-" + name)})
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.GetOperation(ctx, &sd.GetOperationInput{OperationId: op.OperationId})
	if err != nil || o.Operation.Status != sdtypes.OperationStatusSuccess || o.Operation.Type != sdtypes.OperationTypeCreateNamespace {
		t.Fatalf("GetOperation: %v %+v", err, o)
	}
	return o.Operation.Targets[string(sdtypes.OperationTargetTypeNamespace)]
}

func TestCloudMapNamespaces(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := sdClient(cfg)
	ctx := t.Context()
	nsID := createNamespace(t, cfg, "internal.local")
	n, err := c.GetNamespace(ctx, &sd.GetNamespaceInput{Id: &nsID})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(n.Namespace.Name) != "internal.local" || n.Namespace.Type != sdtypes.NamespaceTypeDnsPrivate ||
		aws.ToString(n.Namespace.Arn) != "arn:aws:servicediscovery:us-east-1:123456789012:namespace/"+nsID ||
		aws.ToString(n.Namespace.Properties.DnsProperties.HostedZoneId) == "" || n.Namespace.CreateDate == nil {
		t.Errorf("GetNamespace: %+v", n.Namespace)
	}
	vs, _ := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	_, err = c.CreatePrivateDnsNamespace(ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("internal.local"), Vpc: vs.Vpcs[0].VpcId})
	wantCode(t, err, "NamespaceAlreadyExists")
	// A retry with the same CreatorRequestId gets the same operation back.
	retry, err := c.CreatePrivateDnsNamespace(ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("internal.local"), Vpc: vs.Vpcs[0].VpcId,
		CreatorRequestId: aws.String("req-internal.local")})
	if err != nil || aws.ToString(retry.OperationId) == "" {
		t.Errorf("retry: %v %+v", err, retry)
	}
	_, err = c.CreatePrivateDnsNamespace(ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("x.local"), Vpc: aws.String("vpc-00000000000000000")})
	wantCode(t, err, "InvalidInput")
	_, err = c.CreatePrivateDnsNamespace(ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("bad name!"), Vpc: vs.Vpcs[0].VpcId})
	wantCode(t, err, "InvalidInput")
	if _, err := c.CreateHttpNamespace(ctx, &sd.CreateHttpNamespaceInput{Name: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	l, err := c.ListNamespaces(ctx, &sd.ListNamespacesInput{Filters: []sdtypes.NamespaceFilter{{Name: sdtypes.NamespaceFilterNameType,
		Values: []string{"DNS_PRIVATE"}}}})
	if err != nil || len(l.Namespaces) != 1 || aws.ToString(l.Namespaces[0].Id) != nsID {
		t.Fatalf("ListNamespaces: %v %+v", err, l)
	}
	var all int
	p := sd.NewListNamespacesPaginator(c, &sd.ListNamespacesInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all += len(page.Namespaces)
	}
	if all != 2 {
		t.Errorf("paged %d namespaces, want 2", all)
	}
	ops, err := c.ListOperations(ctx, &sd.ListOperationsInput{Filters: []sdtypes.OperationFilter{{Name: sdtypes.OperationFilterNameType,
		Values: []string{"CREATE_NAMESPACE"}}}})
	if err != nil || len(ops.Operations) != 2 {
		t.Fatalf("ListOperations: %v %+v", err, ops)
	}
	del, err := c.DeleteNamespace(ctx, &sd.DeleteNamespaceInput{Id: &nsID})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := c.GetOperation(ctx, &sd.GetOperationInput{OperationId: del.OperationId})
	if o.Operation.Type != sdtypes.OperationTypeDeleteNamespace || o.Operation.Status != sdtypes.OperationStatusSuccess {
		t.Errorf("delete operation %+v", o.Operation)
	}
	_, err = c.GetNamespace(ctx, &sd.GetNamespaceInput{Id: &nsID})
	wantCode(t, err, "NamespaceNotFound")
	_, err = c.GetOperation(ctx, &sd.GetOperationInput{OperationId: aws.String("nope")})
	wantCode(t, err, "OperationNotFound")
}

func TestCloudMapServicesAndInstances(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := sdClient(cfg)
	ctx := t.Context()
	nsID := createNamespace(t, cfg, "svc.local")
	dns := &sdtypes.DnsConfig{DnsRecords: []sdtypes.DnsRecord{{Type: sdtypes.RecordTypeA, TTL: aws.Int64(10)}}}
	s, err := c.CreateService(ctx, &sd.CreateServiceInput{Name: aws.String("web"), NamespaceId: &nsID, DnsConfig: dns,
		HealthCheckCustomConfig: &sdtypes.HealthCheckCustomConfig{}, Tags: []sdtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	svcID := s.Service.Id
	if s.Service.Type != sdtypes.ServiceTypeDnsHttp || s.Service.DnsConfig.RoutingPolicy != sdtypes.RoutingPolicyMultivalue ||
		aws.ToString(s.Service.NamespaceId) != nsID {
		t.Errorf("CreateService: %+v", s.Service)
	}
	_, err = c.CreateService(ctx, &sd.CreateServiceInput{Name: aws.String("web"), NamespaceId: &nsID, DnsConfig: dns})
	wantCode(t, err, "ServiceAlreadyExists")
	_, err = c.CreateService(ctx, &sd.CreateServiceInput{Name: aws.String("x"), NamespaceId: aws.String("ns-none")})
	wantCode(t, err, "NamespaceNotFound")
	_, err = c.CreateService(ctx, &sd.CreateServiceInput{Name: aws.String("y"), NamespaceId: &nsID})
	wantCode(t, err, "InvalidInput") // a DNS namespace needs DnsConfig or Type HTTP

	_, err = c.RegisterInstance(ctx, &sd.RegisterInstanceInput{ServiceId: svcID, InstanceId: aws.String("i-1"),
		Attributes: map[string]string{"AWS_INSTANCE_PORT": "80"}})
	wantCode(t, err, "InvalidInput") // an A record needs AWS_INSTANCE_IPV4
	for i, ip := range []string{"10.0.0.5", "10.0.0.6"} {
		op, err := c.RegisterInstance(ctx, &sd.RegisterInstanceInput{ServiceId: svcID, InstanceId: aws.String("task-" + string(rune('a'+i))),
			Attributes: map[string]string{"AWS_INSTANCE_IPV4": ip, "AWS_INSTANCE_PORT": "80", "zone": string(rune('a' + i))}})
		if err != nil {
			t.Fatal(err)
		}
		o, err := c.GetOperation(ctx, &sd.GetOperationInput{OperationId: op.OperationId})
		if err != nil || o.Operation.Type != sdtypes.OperationTypeRegisterInstance || o.Operation.Targets["INSTANCE"] == "" {
			t.Fatalf("register operation: %v %+v", err, o)
		}
	}
	g, err := c.GetInstance(ctx, &sd.GetInstanceInput{ServiceId: svcID, InstanceId: aws.String("task-a")})
	if err != nil || g.Instance.Attributes["AWS_INSTANCE_IPV4"] != "10.0.0.5" {
		t.Fatalf("GetInstance: %v %+v", err, g)
	}
	li, err := c.ListInstances(ctx, &sd.ListInstancesInput{ServiceId: svcID})
	if err != nil || len(li.Instances) != 2 {
		t.Fatalf("ListInstances: %v %+v", err, li)
	}
	d, err := c.DiscoverInstances(ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("svc.local"), ServiceName: aws.String("web")})
	if err != nil || len(d.Instances) != 2 || d.Instances[0].HealthStatus != sdtypes.HealthStatusHealthy || aws.ToInt64(d.InstancesRevision) != 2 {
		t.Fatalf("DiscoverInstances: %v %+v", err, d)
	}
	d, err = c.DiscoverInstances(ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("svc.local"), ServiceName: aws.String("web"),
		QueryParameters: map[string]string{"zone": "b"}})
	if err != nil || len(d.Instances) != 1 || aws.ToString(d.Instances[0].InstanceId) != "task-b" {
		t.Fatalf("DiscoverInstances by attribute: %v %+v", err, d)
	}
	if _, err := c.UpdateInstanceCustomHealthStatus(ctx, &sd.UpdateInstanceCustomHealthStatusInput{ServiceId: svcID,
		InstanceId: aws.String("task-a"), Status: sdtypes.CustomHealthStatusUnhealthy}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DiscoverInstances(ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("svc.local"), ServiceName: aws.String("web")})
	if len(d.Instances) != 1 || aws.ToString(d.Instances[0].InstanceId) != "task-b" {
		t.Errorf("healthy instances: %+v", d.Instances)
	}
	_, err = c.DiscoverInstances(ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("svc.local"), ServiceName: aws.String("nope")})
	wantCode(t, err, "ServiceNotFound")

	ls, err := c.ListServices(ctx, &sd.ListServicesInput{Filters: []sdtypes.ServiceFilter{{Name: sdtypes.ServiceFilterNameNamespaceId, Values: []string{nsID}}}})
	if err != nil || len(ls.Services) != 1 || aws.ToInt32(ls.Services[0].InstanceCount) != 2 {
		t.Fatalf("ListServices: %v %+v", err, ls)
	}
	arn := s.Service.Arn
	if _, err := c.TagResource(ctx, &sd.TagResourceInput{ResourceARN: arn, Tags: []sdtypes.Tag{{Key: aws.String("env"), Value: aws.String("ci")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sd.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &sd.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	_, err = c.DeleteService(ctx, &sd.DeleteServiceInput{Id: svcID})
	wantCode(t, err, "ResourceInUse")
	_, err = c.DeleteNamespace(ctx, &sd.DeleteNamespaceInput{Id: &nsID})
	wantCode(t, err, "ResourceInUse")
	for _, id := range []string{"task-a", "task-b"} {
		if _, err := c.DeregisterInstance(ctx, &sd.DeregisterInstanceInput{ServiceId: svcID, InstanceId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeregisterInstance(ctx, &sd.DeregisterInstanceInput{ServiceId: svcID, InstanceId: aws.String("task-a")})
	wantCode(t, err, "InstanceNotFound")
	if _, err := c.DeleteService(ctx, &sd.DeleteServiceInput{Id: svcID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetService(ctx, &sd.GetServiceInput{Id: svcID})
	wantCode(t, err, "ServiceNotFound")
}

func TestCloudMapPersistence(t *testing.T) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{DataDir: dir})
	c := sdClient(cfg)
	ctx := t.Context()
	nsID := createNamespace(t, cfg, "keep.local")
	s, err := c.CreateService(ctx, &sd.CreateServiceInput{Name: aws.String("api"), NamespaceId: &nsID, Type: sdtypes.ServiceTypeOptionHttp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterInstance(ctx, &sd.RegisterInstanceInput{ServiceId: s.Service.Id, InstanceId: aws.String("one"),
		Attributes: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	_, cfg2, _ := start(t, Options{DataDir: dir})
	d, err := sdClient(cfg2).DiscoverInstances(ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("keep.local"), ServiceName: aws.String("api")})
	if err != nil || len(d.Instances) != 1 || d.Instances[0].Attributes["k"] != "v" {
		t.Fatalf("after restart: %v %+v", err, d)
	}
}
