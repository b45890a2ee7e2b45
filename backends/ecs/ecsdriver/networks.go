package ecsdriver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
)

// A user-defined Docker network is, on ECS, a security group and a Cloud
// Map private DNS namespace in the tasks' VPC. The security group lets its
// members reach each other (an ingress rule from itself) and nothing else
// more than the tasks' base groups do, as Docker isolates networks; the
// namespace publishes each member's names (container name, aliases) as A
// records of its task's address, so that `<name>.<namespace>` resolves in
// the VPC. The predefined networks (bridge, host, none) have neither.
const (
	// tagNetwork names the Docker network ID a security group or
	// namespace stands for.
	tagNetwork = "sockerless:network"
	// opWait bounds the wait for a Cloud Map operation.
	opWait = 2 * time.Minute
)

// netResources are a Docker network's cloud resources.
type netResources struct {
	name, securityGroup, namespace string
}

// netStore finds and makes the networks' cloud resources. Its methods
// are called with the driver's netMu held.
type netStore struct {
	ec2  *ec2.Client
	sd   *servicediscovery.Client
	cfg  *Config
	poll time.Duration
	vpc  string
	nets map[string]*netResources // Docker network ID → resources
	// eps maps container ID → network ID → endpoint (driver.Network).
	eps map[string]map[string]driver.Endpoint
}

// predefinedNetwork tells the networks that map to no cloud resources.
func predefinedNetwork(name string) bool {
	return name == "bridge" || name == "host" || name == "none" || name == ""
}

// dnsLabel turns a Docker name into a DNS label: lower case, characters
// other than letters, digits and '-' as '-', at most 63 long.
func dnsLabel(name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b[:min(len(b), 63)]), "-")
}

// namespaceName is the Cloud Map namespace of Docker network name.
func (n *netStore) namespaceName(name string) string {
	return dnsLabel(name) + "." + dnsLabel(n.cfg.Cluster) + ".sockerless"
}

// findVPC returns the VPC of the tasks' subnets.
func (n *netStore) findVPC(ctx context.Context) (string, error) {
	if n.vpc != "" {
		return n.vpc, nil
	}
	out, err := n.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: n.cfg.Subnets[:1]})
	if err != nil {
		return "", fmt.Errorf("ecs backend: describe subnet %s: %w", n.cfg.Subnets[0], awsErr(err))
	}
	if len(out.Subnets) == 0 {
		return "", errdefs.ErrNotFound.WithMessage("ecs backend: subnet " + n.cfg.Subnets[0] + " not found")
	}
	n.vpc = aws.ToString(out.Subnets[0].VpcId)
	return n.vpc, nil
}

// ensure returns the resources of Docker network id, made when missing.
func (n *netStore) ensure(ctx context.Context, id, name string) (*netResources, error) {
	if r, ok := n.nets[id]; ok {
		return r, nil
	}
	vpc, err := n.findVPC(ctx)
	if err != nil {
		return nil, err
	}
	r := &netResources{name: name}
	if r.securityGroup, err = n.securityGroup(ctx, vpc, id, name); err != nil {
		return nil, err
	}
	if r.namespace, err = n.ensureNamespace(ctx, vpc, id, name); err != nil {
		return nil, err
	}
	n.nets[id] = r
	return r, nil
}

// securityGroup finds network id's security group by its tag, or makes
// it with an ingress rule that admits its own members.
func (n *netStore) securityGroup(ctx context.Context, vpc, id, name string) (string, error) {
	if sg, err := n.findSecurityGroup(ctx, id); err != nil || sg != "" {
		return sg, err
	}
	out, err := n.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:   aws.String("sockerless-" + dnsLabel(name) + "-" + id[:min(12, len(id))]),
		Description: aws.String("Docker network " + name + " (sockerless)"),
		VpcId:       aws.String(vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup,
			Tags: []ec2types.Tag{{Key: aws.String(tagNetwork), Value: aws.String(id)}, {Key: aws.String("Name"), Value: aws.String(name)}}}},
	})
	if err != nil {
		return "", fmt.Errorf("ecs backend: create the security group of network %s: %w", name, awsErr(err))
	}
	sg := aws.ToString(out.GroupId)
	_, err = n.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sg)}}}}})
	if err != nil {
		return "", fmt.Errorf("ecs backend: let network %s's members reach each other: %w", name, awsErr(err))
	}
	return sg, nil
}

func (n *netStore) findSecurityGroup(ctx context.Context, id string) (string, error) {
	out, err := n.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:" + tagNetwork), Values: []string{id}}}})
	if err != nil {
		return "", fmt.Errorf("ecs backend: describe security groups: %w", awsErr(err))
	}
	if len(out.SecurityGroups) == 0 {
		return "", nil
	}
	return aws.ToString(out.SecurityGroups[0].GroupId), nil
}

// ensureNamespace finds network name's namespace, or makes it (a private
// DNS namespace in the VPC, an asynchronous operation waited for).
func (n *netStore) ensureNamespace(ctx context.Context, vpc, id, name string) (string, error) {
	nsName := n.namespaceName(name)
	if ns, err := n.findNamespace(ctx, nsName); err != nil || ns != "" {
		return ns, err
	}
	out, err := n.sd.CreatePrivateDnsNamespace(ctx, &servicediscovery.CreatePrivateDnsNamespaceInput{
		Name: aws.String(nsName), Vpc: aws.String(vpc), CreatorRequestId: aws.String("sockerless-" + id[:min(40, len(id))]),
		Description: aws.String("Docker network " + name + " (sockerless)"),
		Tags:        []sdtypes.Tag{{Key: aws.String(tagNetwork), Value: aws.String(id)}},
	})
	if err != nil {
		return "", fmt.Errorf("ecs backend: create the Cloud Map namespace of network %s: %w", name, awsErr(err))
	}
	op, err := n.wait(ctx, aws.ToString(out.OperationId))
	if err != nil {
		return "", err
	}
	return op.Targets[string(sdtypes.OperationTargetTypeNamespace)], nil
}

func (n *netStore) findNamespace(ctx context.Context, nsName string) (string, error) {
	p := servicediscovery.NewListNamespacesPaginator(n.sd, &servicediscovery.ListNamespacesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ecs backend: list Cloud Map namespaces: %w", awsErr(err))
		}
		for _, ns := range out.Namespaces {
			if aws.ToString(ns.Name) == nsName {
				return aws.ToString(ns.Id), nil
			}
		}
	}
	return "", nil
}

// wait polls Cloud Map operation id until it succeeds or fails.
func (n *netStore) wait(ctx context.Context, id string) (*sdtypes.Operation, error) {
	deadline := time.Now().Add(opWait)
	for {
		out, err := n.sd.GetOperation(ctx, &servicediscovery.GetOperationInput{OperationId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("ecs backend: Cloud Map operation %s: %w", id, awsErr(err))
		}
		switch out.Operation.Status {
		case sdtypes.OperationStatusSuccess:
			return out.Operation, nil
		case sdtypes.OperationStatusFail:
			return nil, errdefs.ErrUnknown.WithMessage(fmt.Sprintf("ecs backend: Cloud Map operation %s failed: %s: %s",
				id, aws.ToString(out.Operation.ErrorCode), aws.ToString(out.Operation.ErrorMessage)))
		}
		if time.Now().After(deadline) {
			return nil, errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("ecs backend: Cloud Map operation %s not done after %v", id, opWait))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(n.poll):
		}
	}
}

// securityGroups are the security groups of container id's task: the
// base ones, and its networks'. With networks and no base groups, the
// VPC's default group stays, as RunTask would have used it.
func (n *netStore) securityGroups(ctx context.Context, id string) ([]string, error) {
	groups := append([]string(nil), n.cfg.SecurityGroups...)
	var own []string
	for netID := range n.eps[id] {
		if r := n.nets[netID]; r != nil {
			own = append(own, r.securityGroup)
		}
	}
	if len(own) == 0 {
		return groups, nil
	}
	if len(groups) == 0 {
		vpc, err := n.findVPC(ctx)
		if err != nil {
			return nil, err
		}
		out, err := n.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
		if err != nil {
			return nil, fmt.Errorf("ecs backend: find the VPC's default security group: %w", awsErr(err))
		}
		for _, g := range out.SecurityGroups {
			groups = append(groups, aws.ToString(g.GroupId))
		}
	}
	return append(groups, own...), nil
}

// names are the DNS names of endpoint ep of container name: the name and
// the aliases, as DNS labels, each once.
func names(container string, ep driver.Endpoint) []string {
	var out []string
	for _, s := range append([]string{container}, ep.Aliases...) {
		if l := dnsLabel(s); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// register publishes container id's names in each of its networks'
// namespaces at ip, waiting until Cloud Map has them.
func (n *netStore) register(ctx context.Context, id, container, ip string) error {
	for netID, ep := range n.eps[id] {
		r := n.nets[netID]
		if r == nil {
			continue
		}
		ids := n.serviceIDs(ctx, r)
		for _, name := range names(container, ep) {
			svc, err := n.service(ctx, r, ids, name)
			if err != nil {
				return err
			}
			out, err := n.sd.RegisterInstance(ctx, &servicediscovery.RegisterInstanceInput{ServiceId: aws.String(svc),
				InstanceId: aws.String(id), Attributes: map[string]string{"AWS_INSTANCE_IPV4": ip}})
			if err != nil {
				return fmt.Errorf("ecs backend: publish %s in network %s: %w", name, r.name, awsErr(err))
			}
			if _, err := n.wait(ctx, aws.ToString(out.OperationId)); err != nil {
				return err
			}
		}
	}
	return nil
}

// service returns the Cloud Map service of name in r's namespace: the one
// ids (from [netStore.serviceIDs]) has, else a new one (an A record, 10 s
// TTL, as short as Docker's DNS answers are fresh), then added to ids.
func (n *netStore) service(ctx context.Context, r *netResources, ids map[string]string, name string) (string, error) {
	if svc := ids[name]; svc != "" {
		return svc, nil
	}
	out, err := n.sd.CreateService(ctx, &servicediscovery.CreateServiceInput{Name: aws.String(name), NamespaceId: aws.String(r.namespace),
		DnsConfig: &sdtypes.DnsConfig{RoutingPolicy: sdtypes.RoutingPolicyMultivalue,
			DnsRecords: []sdtypes.DnsRecord{{Type: sdtypes.RecordTypeA, TTL: aws.Int64(10)}}}})
	var exists *sdtypes.ServiceAlreadyExists
	switch {
	case errors.As(err, &exists):
		ids[name] = aws.ToString(exists.ServiceId)
	case err != nil:
		return "", fmt.Errorf("ecs backend: create the Cloud Map service %s in network %s: %w", name, r.name, awsErr(err))
	default:
		ids[name] = aws.ToString(out.Service.Id)
	}
	return ids[name], nil
}

// serviceIDs maps the names of r's namespace's services to their IDs.
func (n *netStore) serviceIDs(ctx context.Context, r *netResources) map[string]string {
	ids := map[string]string{}
	for _, s := range n.services(ctx, r) {
		ids[aws.ToString(s.Name)] = aws.ToString(s.Id)
	}
	return ids
}

// services lists r's namespace's services; a failure lists none (a
// create then reports the real state).
func (n *netStore) services(ctx context.Context, r *netResources) []sdtypes.ServiceSummary {
	var all []sdtypes.ServiceSummary
	p := servicediscovery.NewListServicesPaginator(n.sd, &servicediscovery.ListServicesInput{Filters: []sdtypes.ServiceFilter{
		{Name: sdtypes.ServiceFilterNameNamespaceId, Values: []string{r.namespace}, Condition: sdtypes.FilterConditionEq}}})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return all
		}
		all = append(all, out.Services...)
	}
	return all
}

// deregister withdraws container id's names from its networks'
// namespaces (its task stopped). Names that were never published are not
// an error.
func (n *netStore) deregister(ctx context.Context, id, container string) error {
	var errs []error
	for netID, ep := range n.eps[id] {
		r := n.nets[netID]
		if r == nil {
			continue
		}
		ids := n.serviceIDs(ctx, r)
		for _, name := range names(container, ep) {
			svc := ids[name]
			if svc == "" {
				continue
			}
			out, err := n.sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{ServiceId: aws.String(svc), InstanceId: aws.String(id)})
			var gone *sdtypes.InstanceNotFound
			switch {
			case errors.As(err, &gone):
			case err != nil:
				errs = append(errs, fmt.Errorf("ecs backend: withdraw %s from network %s: %w", name, r.name, awsErr(err)))
			default:
				if _, err := n.wait(ctx, aws.ToString(out.OperationId)); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// dropInstances deregisters every instance of service svc.
func (n *netStore) dropInstances(ctx context.Context, svc string) {
	p := servicediscovery.NewListInstancesPaginator(n.sd, &servicediscovery.ListInstancesInput{ServiceId: aws.String(svc)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return
		}
		for _, in := range out.Instances {
			if op, err := n.sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{ServiceId: aws.String(svc), InstanceId: in.Id}); err == nil {
				_, _ = n.wait(ctx, aws.ToString(op.OperationId))
			}
		}
	}
}

// remove deletes network id's namespace (with its services, empty by
// now) and security group.
func (n *netStore) remove(ctx context.Context, id, name string) error {
	r := n.nets[id]
	if r == nil {
		r = &netResources{name: name}
		var err error
		if r.securityGroup, err = n.findSecurityGroup(ctx, id); err != nil {
			return err
		}
		if r.namespace, err = n.findNamespace(ctx, n.namespaceName(name)); err != nil {
			return err
		}
	}
	if r.namespace != "" {
		for _, s := range n.services(ctx, r) {
			// Instances of containers whose stop this backend did not see
			// (re-adopted after a restart) go first.
			n.dropInstances(ctx, aws.ToString(s.Id))
			_, err := n.sd.DeleteService(ctx, &servicediscovery.DeleteServiceInput{Id: s.Id})
			var gone *sdtypes.ServiceNotFound
			if err != nil && !errors.As(err, &gone) {
				return fmt.Errorf("ecs backend: delete the Cloud Map service %s of network %s: %w", aws.ToString(s.Name), name, awsErr(err))
			}
		}
		out, err := n.sd.DeleteNamespace(ctx, &servicediscovery.DeleteNamespaceInput{Id: aws.String(r.namespace)})
		var gone *sdtypes.NamespaceNotFound
		switch {
		case errors.As(err, &gone):
		case err != nil:
			return fmt.Errorf("ecs backend: delete the Cloud Map namespace of network %s: %w", name, awsErr(err))
		default:
			if _, err := n.wait(ctx, aws.ToString(out.OperationId)); err != nil {
				return err
			}
		}
	}
	if r.securityGroup != "" {
		_, err := n.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(r.securityGroup)})
		if err != nil && !strings.Contains(err.Error(), "InvalidGroup.NotFound") {
			return fmt.Errorf("ecs backend: delete the security group of network %s: %w", name, awsErr(err))
		}
	}
	delete(n.nets, id)
	return nil
}

// Connect implements [driver.Network]: the network's security group and
// namespace are made when new, and the container's task gets the group
// and publishes its names at its next start. A running task's groups are
// fixed: connecting it is refused.
func (d *Driver) Connect(ctx context.Context, id string, ep driver.Endpoint) error {
	if predefinedNetwork(ep.NetworkName) {
		return nil
	}
	if d.isRunning(id) {
		return errdefs.ErrNotImplemented.WithMessage("connecting a running container to a network is not supported by the ecs backend: " +
			"a task's security groups are fixed when it starts (network " + ep.NetworkName + ")")
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	if _, err := d.nets.ensure(ctx, ep.NetworkID, ep.NetworkName); err != nil {
		return err
	}
	if d.nets.eps[id] == nil {
		d.nets.eps[id] = map[string]driver.Endpoint{}
	}
	d.nets.eps[id][ep.NetworkID] = ep
	return nil
}

// Disconnect implements [driver.Network]; a running task keeps its
// groups, so disconnecting it is refused.
func (d *Driver) Disconnect(ctx context.Context, id, networkID string) error {
	d.netMu.Lock()
	_, ok := d.nets.eps[id][networkID]
	d.netMu.Unlock()
	if !ok {
		return nil
	}
	if d.isRunning(id) {
		return errdefs.ErrNotImplemented.WithMessage("disconnecting a running container from a network is not supported by the ecs backend: " +
			"a task's security groups are fixed when it starts")
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	delete(d.nets.eps[id], networkID)
	return nil
}

// RemoveNetwork implements [driver.NetworkRemover].
func (d *Driver) RemoveNetwork(ctx context.Context, id, name string) error {
	if predefinedNetwork(name) {
		return nil
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	return d.nets.remove(ctx, id, name)
}

// publish gives container id's names in its networks the address of
// its task tk, as described once it ran (a task that already stopped
// publishes nothing).
func (d *Driver) publish(ctx context.Context, id, name string, tk types.Task) error {
	d.netMu.Lock()
	n := len(d.nets.eps[id])
	d.netMu.Unlock()
	if n == 0 || aws.ToString(tk.LastStatus) == "STOPPED" {
		return nil
	}
	ip := privateIP(tk)
	if ip == "" {
		return errdefs.ErrUnavailable.WithMessage("ecs backend: task " + aws.ToString(tk.TaskArn) + " has no private address to publish")
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	return d.nets.register(ctx, id, name, ip)
}

// unpublish withdraws container id's names (its task stopped).
func (d *Driver) unpublish(ctx context.Context, id, name string) {
	d.netMu.Lock()
	defer d.netMu.Unlock()
	if err := d.nets.deregister(ctx, id, name); err != nil {
		d.log.Warn().Err(err).Str("container_id", id).Msg("withdraw names")
	}
}

// privateIP is the address of task tk's network interface.
func privateIP(tk types.Task) string {
	for _, c := range tk.Containers {
		for _, ni := range c.NetworkInterfaces {
			if ip := aws.ToString(ni.PrivateIpv4Address); ip != "" {
				return ip
			}
		}
	}
	for _, a := range tk.Attachments {
		for _, kv := range a.Details {
			if aws.ToString(kv.Name) == "privateIPv4Address" {
				return aws.ToString(kv.Value)
			}
		}
	}
	return ""
}
