package servicediscovery

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type createNamespaceInput struct {
	Name             string `json:"Name"`
	Vpc              string `json:"Vpc"`
	CreatorRequestID string `json:"CreatorRequestId"`
	Description      string `json:"Description"`
	Tags             []Tag  `json:"Tags"`
}

type operationIDOutput struct {
	OperationID string `json:"OperationId"`
}

// dnsNameRE is the shape of a DNS namespace name: labels of letters,
// digits and hyphens, at most 253 characters with an optional final dot.
var dnsNameRE = regexp.MustCompile(`^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.?$`)

func (s *Service) createPrivateDNSNamespace(ctx context.Context, in *createNamespaceInput) (*operationIDOutput, error) {
	if in.Name == "" {
		return nil, missing("name")
	}
	if in.Vpc == "" {
		return nil, missing("vpc")
	}
	if len(in.Name) > 253 || !dnsNameRE.MatchString(in.Name) {
		return nil, invalid("Namespace name %s is not a valid DNS name.", in.Name)
	}
	region := s.region(ctx)
	if s.vpcs != nil && !s.vpcs.VpcExists(region, in.Vpc) {
		return nil, invalid("VPC %s does not exist in region %s.", in.Vpc, region)
	}
	return s.createNamespace(ctx, in, "DNS_PRIVATE")
}

func (s *Service) createHTTPNamespace(ctx context.Context, in *createNamespaceInput) (*operationIDOutput, error) {
	if in.Name == "" {
		return nil, missing("name")
	}
	if len(in.Name) > 1024 || strings.ContainsFunc(in.Name, func(r rune) bool { return r < '!' || r > '~' }) {
		return nil, invalid("Namespace name %s is not valid.", in.Name)
	}
	return s.createNamespace(ctx, in, "HTTP")
}

func (s *Service) createNamespace(ctx context.Context, in *createNamespaceInput, typ string) (*operationIDOutput, error) {
	region := s.region(ctx)
	name := strings.TrimSuffix(in.Name, ".")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.namespaces {
		if n.Region != region || n.Name != name || n.Type != typ || n.Vpc != in.Vpc {
			continue
		}
		if in.CreatorRequestID != "" && n.CreatorRequestID == in.CreatorRequestID {
			return &operationIDOutput{s.creatingOp(n.Region, "NAMESPACE", n.ID)}, nil // a retry
		}
		return nil, errorf("NamespaceAlreadyExists", "Namespace with name %s already exists: %s", name, n.ID)
	}
	n := &namespace{Region: region, ID: "ns-" + randID(16), Name: name, Type: typ, Description: in.Description,
		Vpc: in.Vpc, CreatorRequestID: in.CreatorRequestID, Created: s.now(), Tags: in.Tags}
	if typ == "DNS_PRIVATE" {
		n.HostedZoneID = "Z" + strings.ToUpper(randID(20))
	}
	if err := s.store.Put(kindNamespaces, region+"/"+n.ID, n); err != nil {
		return nil, err
	}
	s.namespaces[region+"/"+n.ID] = n
	op, err := s.operate(region, "CREATE_NAMESPACE", map[string]string{"NAMESPACE": n.ID})
	if err != nil {
		return nil, err
	}
	return &operationIDOutput{op}, nil
}

type dnsPropertiesOut struct {
	HostedZoneID string `json:"HostedZoneId,omitempty"`
}

type namespacePropertiesOut struct {
	DNSProperties  *dnsPropertiesOut `json:"DnsProperties,omitempty"`
	HTTPProperties struct {
		HTTPName string `json:"HttpName"`
	} `json:"HttpProperties"`
}

type namespaceOut struct {
	ID               string                 `json:"Id"`
	Arn              string                 `json:"Arn"`
	Name             string                 `json:"Name"`
	Type             string                 `json:"Type"`
	Description      string                 `json:"Description,omitempty"`
	ServiceCount     int                    `json:"ServiceCount"`
	Properties       namespacePropertiesOut `json:"Properties"`
	CreateDate       epoch                  `json:"CreateDate"`
	CreatorRequestID string                 `json:"CreatorRequestId,omitempty"`
}

func (s *Service) namespaceOut(n *namespace) namespaceOut {
	out := namespaceOut{ID: n.ID, Arn: s.arn(n.Region, "namespace", n.ID), Name: n.Name, Type: n.Type,
		Description: n.Description, CreateDate: toEpoch(n.Created), CreatorRequestID: n.CreatorRequestID}
	for _, sv := range s.services {
		if sv.Region == n.Region && sv.NamespaceID == n.ID {
			out.ServiceCount++
		}
	}
	out.Properties.HTTPProperties.HTTPName = n.Name
	if n.HostedZoneID != "" {
		out.Properties.DNSProperties = &dnsPropertiesOut{n.HostedZoneID}
	}
	return out
}

type idInput struct {
	ID string `json:"Id"`
}

// namespace looks up id in region; s.mu is held.
func (s *Service) namespace(region, id string) (*namespace, error) {
	if id == "" {
		return nil, missing("id")
	}
	n := s.namespaces[region+"/"+id]
	if n == nil {
		return nil, errorf("NamespaceNotFound", "Namespace not found: %s", id)
	}
	return n, nil
}

func (s *Service) getNamespace(ctx context.Context, in *idInput) (*struct{ Namespace namespaceOut }, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.namespace(s.region(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Namespace namespaceOut }{s.namespaceOut(n)}, nil
}

func (s *Service) deleteNamespace(ctx context.Context, in *idInput) (*operationIDOutput, error) {
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.namespace(region, in.ID)
	if err != nil {
		return nil, err
	}
	for _, sv := range s.services {
		if sv.Region == region && sv.NamespaceID == n.ID {
			return nil, errorf("ResourceInUse", "Namespace %s has associated services and cannot be deleted.", n.ID)
		}
	}
	if err := s.store.Delete(kindNamespaces, region+"/"+n.ID); err != nil {
		return nil, err
	}
	delete(s.namespaces, region+"/"+n.ID)
	op, err := s.operate(region, "DELETE_NAMESPACE", map[string]string{"NAMESPACE": n.ID})
	if err != nil {
		return nil, err
	}
	return &operationIDOutput{op}, nil
}

// listFilter is the Filters member of the List operations.
type listFilter struct {
	Name      string   `json:"Name"`
	Values    []string `json:"Values"`
	Condition string   `json:"Condition"`
}

// match applies f to value: EQ (the default), IN, or BEGINS_WITH.
func (f listFilter) match(value string) bool {
	for _, v := range f.Values {
		switch f.Condition {
		case "BEGINS_WITH":
			if strings.HasPrefix(value, v) {
				return true
			}
		default:
			if value == v {
				return true
			}
		}
	}
	return false
}

func checkFilter(f listFilter, names ...string) error {
	for _, n := range names {
		if f.Name == n {
			if len(f.Values) == 0 {
				return invalid("Filter %s needs at least one value.", f.Name)
			}
			if c := f.Condition; c != "" && c != "EQ" && c != "IN" && c != "BEGINS_WITH" && c != "BETWEEN" {
				return invalid("Condition %s is not valid.", c)
			}
			return nil
		}
	}
	return invalid("Filter name %s is not valid.", f.Name)
}

type listInput struct {
	MaxResults int          `json:"MaxResults"`
	NextToken  string       `json:"NextToken"`
	Filters    []listFilter `json:"Filters"`
	ServiceID  string       `json:"ServiceId"`
}

// page returns one page of keys (sorted here) for a List call.
func page(scope string, keys []string, in *listInput) ([]string, string, error) {
	if in.MaxResults < 0 || in.MaxResults > 100 {
		return nil, "", invalid("MaxResults must be between 1 and 100.")
	}
	sort.Strings(keys)
	p, next, err := pagetoken.Page(scope, keys, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, "", invalid("The NextToken is not valid.")
	}
	return p, next, nil
}

func (s *Service) listNamespaces(ctx context.Context, in *listInput) (*struct {
	Namespaces []namespaceOut
	NextToken  string `json:",omitempty"`
}, error) {
	for _, f := range in.Filters {
		if err := checkFilter(f, "TYPE", "NAME", "HTTP_NAME", "RESOURCE_OWNER"); err != nil {
			return nil, err
		}
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, n := range s.namespaces {
		if n.Region != region {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			v := map[string]string{"TYPE": n.Type, "NAME": n.Name, "HTTP_NAME": n.Name, "RESOURCE_OWNER": "SELF"}[f.Name]
			ok = ok && f.match(v)
		}
		if ok {
			keys = append(keys, k)
		}
	}
	p, next, err := page("ListNamespaces"+awsproto.CallFrom(ctx).Region, keys, in)
	if err != nil {
		return nil, err
	}
	out := &struct {
		Namespaces []namespaceOut
		NextToken  string `json:",omitempty"`
	}{Namespaces: []namespaceOut{}, NextToken: next}
	for _, k := range p {
		out.Namespaces = append(out.Namespaces, s.namespaceOut(s.namespaces[k]))
	}
	return out, nil
}
