package servicediscovery

import (
	"context"
	"regexp"
)

type createServiceInput struct {
	Name                    string                   `json:"Name"`
	NamespaceID             string                   `json:"NamespaceId"`
	CreatorRequestID        string                   `json:"CreatorRequestId"`
	Description             string                   `json:"Description"`
	DNSConfig               *dnsConfig               `json:"DnsConfig"`
	HealthCheckConfig       *healthCheckConfig       `json:"HealthCheckConfig"`
	HealthCheckCustomConfig *healthCheckCustomConfig `json:"HealthCheckCustomConfig"`
	Tags                    []Tag                    `json:"Tags"`
	Type                    string                   `json:"Type"`
}

var serviceNameRE = regexp.MustCompile(`^([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$`)

type serviceOut struct {
	ID                      string                   `json:"Id"`
	Arn                     string                   `json:"Arn"`
	Name                    string                   `json:"Name"`
	NamespaceID             string                   `json:"NamespaceId,omitempty"`
	Description             string                   `json:"Description,omitempty"`
	Type                    string                   `json:"Type"`
	InstanceCount           *int                     `json:"InstanceCount,omitempty"`
	DNSConfig               *dnsConfig               `json:"DnsConfig,omitempty"`
	HealthCheckCustomConfig *healthCheckCustomConfig `json:"HealthCheckCustomConfig,omitempty"`
	CreateDate              epoch                    `json:"CreateDate"`
	CreatorRequestID        string                   `json:"CreatorRequestId,omitempty"`
}

func (s *Service) serviceOut(sv *service, summary bool) serviceOut {
	out := serviceOut{ID: sv.ID, Arn: s.arn(sv.Region, "service", sv.ID), Name: sv.Name, Description: sv.Description,
		Type: sv.Type, DNSConfig: sv.DNS, HealthCheckCustomConfig: sv.HealthCustom, CreateDate: toEpoch(sv.Created)}
	if summary {
		n := len(sv.Instances)
		out.InstanceCount = &n
	} else {
		out.NamespaceID, out.CreatorRequestID = sv.NamespaceID, sv.CreatorRequestID
	}
	return out
}

// checkDNS validates a service's DNS records: MULTIVALUE (the default) or
// WEIGHTED routing, A, AAAA, SRV or CNAME records, CNAME only alone and
// with WEIGHTED routing, as Cloud Map requires.
func checkDNS(d *dnsConfig) error {
	if len(d.DNSRecords) == 0 {
		return missing("dnsConfig.dnsRecords")
	}
	if d.RoutingPolicy == "" {
		d.RoutingPolicy = "MULTIVALUE"
	}
	if d.RoutingPolicy != "MULTIVALUE" && d.RoutingPolicy != "WEIGHTED" {
		return invalid("RoutingPolicy %s is not valid.", d.RoutingPolicy)
	}
	for _, r := range d.DNSRecords {
		switch r.Type {
		case "A", "AAAA", "SRV":
		case "CNAME":
			if d.RoutingPolicy != "WEIGHTED" || len(d.DNSRecords) != 1 {
				return invalid("A CNAME record must be the only record and requires the WEIGHTED routing policy.")
			}
		default:
			return invalid("DNS record type %s is not valid.", r.Type)
		}
		if r.TTL < 0 || r.TTL > 2147483647 {
			return invalid("TTL %d is not valid.", r.TTL)
		}
	}
	return nil
}

func (s *Service) createService(ctx context.Context, in *createServiceInput) (*struct{ Service serviceOut }, error) {
	if in.Name == "" {
		return nil, missing("name")
	}
	if len(in.Name) > 127 || !serviceNameRE.MatchString(in.Name) {
		return nil, invalid("Service name %s is not valid.", in.Name)
	}
	nsID := in.NamespaceID
	if nsID == "" && in.DNSConfig != nil {
		nsID = in.DNSConfig.NamespaceID
	}
	if nsID == "" {
		return nil, invalid("NamespaceId must be specified.")
	}
	if in.HealthCheckConfig != nil {
		return nil, invalid("HealthCheckConfig (Route 53 health checks) is only valid for public DNS namespaces.")
	}
	if in.Type != "" && in.Type != "HTTP" {
		return nil, invalid("Type %s is not valid; the only valid value is HTTP.", in.Type)
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.namespace(region, nsID)
	if err != nil {
		return nil, err
	}
	sv := &service{Region: region, ID: "srv-" + randID(16), Name: in.Name, NamespaceID: n.ID, Description: in.Description,
		HealthCustom: in.HealthCheckCustomConfig, CreatorRequestID: in.CreatorRequestID, Created: s.now(), Tags: in.Tags,
		Instances: map[string]*instance{}, Type: "HTTP"}
	switch {
	case n.Type == "HTTP" && in.DNSConfig != nil:
		return nil, invalid("DnsConfig is not valid for a service in an HTTP namespace.")
	case in.DNSConfig != nil:
		if err := checkDNS(in.DNSConfig); err != nil {
			return nil, err
		}
		sv.DNS, sv.Type = in.DNSConfig, "DNS_HTTP"
		sv.DNS.NamespaceID = n.ID
	case n.Type != "HTTP" && in.Type != "HTTP":
		return nil, invalid("DnsConfig must be specified for a service in a DNS namespace unless Type is HTTP.")
	}
	for _, o := range s.services {
		if o.Region == region && o.NamespaceID == n.ID && o.Name == in.Name {
			return nil, errorf("ServiceAlreadyExists", "Service with name %s already exists in namespace %s: %s", in.Name, n.ID, o.ID)
		}
	}
	if err := s.saveService(sv); err != nil {
		return nil, err
	}
	s.services[region+"/"+sv.ID] = sv
	return &struct{ Service serviceOut }{s.serviceOut(sv, false)}, nil
}

func (s *Service) saveService(sv *service) error {
	return s.store.Put(kindServices, sv.Region+"/"+sv.ID, sv)
}

// service looks up id in region; s.mu is held.
func (s *Service) service(region, id string) (*service, error) {
	if id == "" {
		return nil, missing("serviceId")
	}
	sv := s.services[region+"/"+id]
	if sv == nil {
		return nil, errorf("ServiceNotFound", "Service not found: %s", id)
	}
	return sv, nil
}

func (s *Service) getService(ctx context.Context, in *idInput) (*struct{ Service serviceOut }, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, err := s.service(s.region(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Service serviceOut }{s.serviceOut(sv, false)}, nil
}

func (s *Service) deleteService(ctx context.Context, in *idInput) (*empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, err := s.service(s.region(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	if len(sv.Instances) > 0 {
		return nil, errorf("ResourceInUse", "Service %s has registered instances and cannot be deleted.", sv.ID)
	}
	if err := s.store.Delete(kindServices, sv.Region+"/"+sv.ID); err != nil {
		return nil, err
	}
	delete(s.services, sv.Region+"/"+sv.ID)
	return &empty{}, nil
}

func (s *Service) listServices(ctx context.Context, in *listInput) (*struct {
	Services  []serviceOut
	NextToken string `json:",omitempty"`
}, error) {
	for _, f := range in.Filters {
		if err := checkFilter(f, "NAMESPACE_ID", "RESOURCE_OWNER"); err != nil {
			return nil, err
		}
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, sv := range s.services {
		if sv.Region != region {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			ok = ok && f.match(map[string]string{"NAMESPACE_ID": sv.NamespaceID, "RESOURCE_OWNER": "SELF"}[f.Name])
		}
		if ok {
			keys = append(keys, k)
		}
	}
	p, next, err := page("ListServices"+region, keys, in)
	if err != nil {
		return nil, err
	}
	out := &struct {
		Services  []serviceOut
		NextToken string `json:",omitempty"`
	}{Services: []serviceOut{}, NextToken: next}
	for _, k := range p {
		out.Services = append(out.Services, s.serviceOut(s.services[k], true))
	}
	return out, nil
}
