package servicediscovery

import (
	"context"
	"net/netip"
	"sort"
	"strconv"
)

type registerInput struct {
	ServiceID        string            `json:"ServiceId"`
	InstanceID       string            `json:"InstanceId"`
	CreatorRequestID string            `json:"CreatorRequestId"`
	Attributes       map[string]string `json:"Attributes"`
}

// checkAttributes applies Cloud Map's rules for the reserved attributes:
// the records of a DNS service need AWS_INSTANCE_IPV4 (A),
// AWS_INSTANCE_IPV6 (AAAA) or AWS_INSTANCE_PORT (SRV), with valid values.
func checkAttributes(sv *service, attrs map[string]string) error {
	if len(attrs) > 30 {
		return invalid("An instance can have at most 30 attributes.")
	}
	if v, ok := attrs["AWS_INSTANCE_IPV4"]; ok {
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return invalid("AWS_INSTANCE_IPV4 %s is not a valid IPv4 address.", v)
		}
	}
	if v, ok := attrs["AWS_INSTANCE_IPV6"]; ok {
		if a, err := netip.ParseAddr(v); err != nil || !a.Is6() {
			return invalid("AWS_INSTANCE_IPV6 %s is not a valid IPv6 address.", v)
		}
	}
	if v, ok := attrs["AWS_INSTANCE_PORT"]; ok {
		if p, err := strconv.Atoi(v); err != nil || p < 0 || p > 65535 {
			return invalid("AWS_INSTANCE_PORT %s is not a valid port.", v)
		}
	}
	if sv.DNS == nil {
		return nil
	}
	for _, r := range sv.DNS.DNSRecords {
		need := map[string]string{"A": "AWS_INSTANCE_IPV4", "AAAA": "AWS_INSTANCE_IPV6", "SRV": "AWS_INSTANCE_PORT",
			"CNAME": "AWS_INSTANCE_CNAME"}[r.Type]
		if _, ok := attrs[need]; !ok {
			return invalid("Attribute %s is required for a service with a %s record.", need, r.Type)
		}
	}
	return nil
}

func (s *Service) registerInstance(ctx context.Context, in *registerInput) (*operationIDOutput, error) {
	if in.InstanceID == "" {
		return nil, missing("instanceId")
	}
	if in.Attributes == nil {
		return nil, missing("attributes")
	}
	if len(in.InstanceID) > 64 {
		return nil, invalid("InstanceId %s is longer than 64 characters.", in.InstanceID)
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, err := s.service(region, in.ServiceID)
	if err != nil {
		return nil, err
	}
	if err := checkAttributes(sv, in.Attributes); err != nil {
		return nil, err
	}
	health := "HEALTHY"
	if old := sv.Instances[in.InstanceID]; old != nil {
		health = old.Health // re-registering updates the attributes
	}
	sv.Instances[in.InstanceID] = &instance{ID: in.InstanceID, CreatorRequestID: in.CreatorRequestID,
		Attributes: in.Attributes, Health: health}
	sv.Revision++
	if err := s.saveService(sv); err != nil {
		return nil, err
	}
	op, err := s.operate(region, "REGISTER_INSTANCE", map[string]string{"NAMESPACE": sv.NamespaceID, "SERVICE": sv.ID, "INSTANCE": in.InstanceID})
	if err != nil {
		return nil, err
	}
	return &operationIDOutput{op}, nil
}

type instanceInput struct {
	ServiceID  string `json:"ServiceId"`
	InstanceID string `json:"InstanceId"`
	Status     string `json:"Status"`
}

// instance looks up the instance of in; s.mu is held.
func (s *Service) instance(ctx context.Context, in *instanceInput) (*service, *instance, error) {
	if in.InstanceID == "" {
		return nil, nil, missing("instanceId")
	}
	sv, err := s.service(s.region(ctx), in.ServiceID)
	if err != nil {
		return nil, nil, err
	}
	i := sv.Instances[in.InstanceID]
	if i == nil {
		return nil, nil, errorf("InstanceNotFound", "Instance %s not found in service %s", in.InstanceID, sv.ID)
	}
	return sv, i, nil
}

func (s *Service) deregisterInstance(ctx context.Context, in *instanceInput) (*operationIDOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, i, err := s.instance(ctx, in)
	if err != nil {
		return nil, err
	}
	delete(sv.Instances, i.ID)
	sv.Revision++
	if err := s.saveService(sv); err != nil {
		return nil, err
	}
	op, err := s.operate(sv.Region, "DEREGISTER_INSTANCE", map[string]string{"NAMESPACE": sv.NamespaceID, "SERVICE": sv.ID, "INSTANCE": i.ID})
	if err != nil {
		return nil, err
	}
	return &operationIDOutput{op}, nil
}

type instanceOut struct {
	ID               string            `json:"Id"`
	CreatorRequestID string            `json:"CreatorRequestId,omitempty"`
	Attributes       map[string]string `json:"Attributes"`
}

func (s *Service) getInstance(ctx context.Context, in *instanceInput) (*struct{ Instance instanceOut }, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, i, err := s.instance(ctx, in)
	if err != nil {
		return nil, err
	}
	return &struct{ Instance instanceOut }{instanceOut{i.ID, i.CreatorRequestID, i.Attributes}}, nil
}

func (s *Service) listInstances(ctx context.Context, in *listInput) (*struct {
	Instances []instanceOut
	NextToken string `json:",omitempty"`
}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, err := s.service(s.region(ctx), in.ServiceID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(sv.Instances))
	for k := range sv.Instances {
		keys = append(keys, k)
	}
	p, next, err := page("ListInstances"+sv.ID, keys, in)
	if err != nil {
		return nil, err
	}
	out := &struct {
		Instances []instanceOut
		NextToken string `json:",omitempty"`
	}{Instances: []instanceOut{}, NextToken: next}
	for _, k := range p {
		out.Instances = append(out.Instances, instanceOut{ID: k, Attributes: sv.Instances[k].Attributes})
	}
	return out, nil
}

func (s *Service) updateHealth(ctx context.Context, in *instanceInput) (*empty, error) {
	if in.Status != "HEALTHY" && in.Status != "UNHEALTHY" {
		return nil, invalid("Status %q is not valid: HEALTHY or UNHEALTHY.", in.Status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, i, err := s.instance(ctx, in)
	if err != nil {
		return nil, err
	}
	if sv.HealthCustom == nil {
		return nil, errorf("CustomHealthNotFound", "Service %s has no custom health check configuration.", sv.ID)
	}
	i.Health = in.Status
	return &empty{}, s.saveService(sv)
}

type discoverInput struct {
	NamespaceName      string            `json:"NamespaceName"`
	ServiceName        string            `json:"ServiceName"`
	MaxResults         int               `json:"MaxResults"`
	QueryParameters    map[string]string `json:"QueryParameters"`
	OptionalParameters map[string]string `json:"OptionalParameters"`
	HealthStatus       string            `json:"HealthStatus"`
}

type httpInstanceSummary struct {
	InstanceID    string            `json:"InstanceId"`
	NamespaceName string            `json:"NamespaceName"`
	ServiceName   string            `json:"ServiceName"`
	HealthStatus  string            `json:"HealthStatus"`
	Attributes    map[string]string `json:"Attributes"`
}

// discoverInstances is the data plane's lookup: the instances of a
// service by names, filtered by attributes (OptionalParameters are
// dropped when they would leave nothing) and health.
func (s *Service) discoverInstances(ctx context.Context, in *discoverInput) (*struct {
	Instances         []httpInstanceSummary
	InstancesRevision int64
}, error) {
	if in.NamespaceName == "" {
		return nil, missing("namespaceName")
	}
	if in.ServiceName == "" {
		return nil, missing("serviceName")
	}
	if in.MaxResults == 0 {
		in.MaxResults = 100
	}
	if in.MaxResults < 1 || in.MaxResults > 1000 {
		return nil, invalid("MaxResults must be between 1 and 1000.")
	}
	switch in.HealthStatus {
	case "":
		in.HealthStatus = "HEALTHY"
	case "HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL":
	default:
		return nil, invalid("HealthStatus %s is not valid.", in.HealthStatus)
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var n *namespace
	for _, o := range s.namespaces {
		if o.Region == region && o.Name == in.NamespaceName {
			n = o
		}
	}
	if n == nil {
		return nil, errorf("NamespaceNotFound", "Namespace not found: %s", in.NamespaceName)
	}
	var sv *service
	for _, o := range s.services {
		if o.Region == region && o.NamespaceID == n.ID && o.Name == in.ServiceName {
			sv = o
		}
	}
	if sv == nil {
		return nil, errorf("ServiceNotFound", "Service not found: %s", in.ServiceName)
	}
	pick := func(optional map[string]string, health func(string) bool) []httpInstanceSummary {
		var out []httpInstanceSummary
		for _, i := range sv.Instances {
			if health(i.Health) && subset(in.QueryParameters, i.Attributes) && subset(optional, i.Attributes) {
				out = append(out, httpInstanceSummary{i.ID, n.Name, sv.Name, i.Health, i.Attributes})
			}
		}
		return out
	}
	want := func(h string) bool { return in.HealthStatus == "ALL" || in.HealthStatus == h }
	if in.HealthStatus == "HEALTHY_OR_ELSE_ALL" {
		want = func(h string) bool { return h == "HEALTHY" }
	}
	found := pick(in.OptionalParameters, want)
	if len(found) == 0 {
		found = pick(nil, want)
	}
	if len(found) == 0 && in.HealthStatus == "HEALTHY_OR_ELSE_ALL" {
		found = pick(nil, func(string) bool { return true })
	}
	sort.Slice(found, func(a, b int) bool { return found[a].InstanceID < found[b].InstanceID })
	if len(found) > in.MaxResults {
		found = found[:in.MaxResults]
	}
	if found == nil {
		found = []httpInstanceSummary{}
	}
	return &struct {
		Instances         []httpInstanceSummary
		InstancesRevision int64
	}{found, sv.Revision}, nil
}

func subset(want, have map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
