package servicediscovery

import (
	"context"
	"fmt"
)

// operate records a finished operation of typ on targets and returns its
// ID; s.mu is held.
func (s *Service) operate(region, typ string, targets map[string]string) (string, error) {
	now := s.now()
	o := &operation{Region: region, ID: randID(32) + "-" + randID(8), Type: typ, Status: "SUCCESS",
		Created: now, Updated: now, Targets: targets}
	if err := s.store.Put(kindOperations, region+"/"+o.ID, o); err != nil {
		return "", err
	}
	s.operations[region+"/"+o.ID] = o
	return o.ID, nil
}

// creatingOp returns the operation that created the target of kind
// (NAMESPACE, SERVICE, INSTANCE) named id; s.mu is held.
func (s *Service) creatingOp(region, kind, id string) string {
	for _, o := range s.operations {
		if o.Region == region && o.Targets[kind] == id && (o.Type == "CREATE_NAMESPACE" || o.Type == "REGISTER_INSTANCE") {
			return o.ID
		}
	}
	return ""
}

type operationOut struct {
	ID         string            `json:"Id"`
	Type       string            `json:"Type"`
	Status     string            `json:"Status"`
	CreateDate epoch             `json:"CreateDate"`
	UpdateDate epoch             `json:"UpdateDate"`
	Targets    map[string]string `json:"Targets"`
}

type getOperationInput struct {
	OperationID string `json:"OperationId"`
}

func (s *Service) getOperation(ctx context.Context, in *getOperationInput) (*struct{ Operation operationOut }, error) {
	if in.OperationID == "" {
		return nil, missing("operationId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.operations[s.region(ctx)+"/"+in.OperationID]
	if o == nil {
		return nil, errorf("OperationNotFound", "No operation found with ID %s", in.OperationID)
	}
	return &struct{ Operation operationOut }{operationOut{o.ID, o.Type, o.Status, toEpoch(o.Created), toEpoch(o.Updated), o.Targets}}, nil
}

type operationSummary struct {
	ID     string `json:"Id"`
	Status string `json:"Status"`
}

// listOperations lists operations oldest first, filtered by
// NAMESPACE_ID, SERVICE_ID, STATUS or TYPE.
func (s *Service) listOperations(ctx context.Context, in *listInput) (*struct {
	Operations []operationSummary
	NextToken  string `json:",omitempty"`
}, error) {
	for _, f := range in.Filters {
		if err := checkFilter(f, "NAMESPACE_ID", "SERVICE_ID", "STATUS", "TYPE", "UPDATE_DATE"); err != nil {
			return nil, err
		}
	}
	region := s.region(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, o := range s.operations {
		if o.Region != region {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			switch f.Name {
			case "NAMESPACE_ID":
				ok = ok && f.match(o.Targets["NAMESPACE"])
			case "SERVICE_ID":
				ok = ok && f.match(o.Targets["SERVICE"])
			case "STATUS":
				ok = ok && f.match(o.Status)
			case "TYPE":
				ok = ok && f.match(o.Type)
			}
		}
		if ok {
			keys = append(keys, fmt.Sprintf("%020d %s", o.Created.UnixNano(), k))
		}
	}
	out := &struct {
		Operations []operationSummary
		NextToken  string `json:",omitempty"`
	}{Operations: []operationSummary{}}
	p, next, err := page("ListOperations"+region, keys, in)
	if err != nil {
		return nil, err
	}
	out.NextToken = next
	for _, k := range p {
		o := s.operations[k[21:]]
		out.Operations = append(out.Operations, operationSummary{o.ID, o.Status})
	}
	return out, nil
}
