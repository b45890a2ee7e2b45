package ec2

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// exists checks that the resource id names exists, answering its type's
// Malformed or NotFound error, or InvalidID for an unknown prefix.
func (r *region) exists(id string) error {
	prefix, _, _ := strings.Cut(id, "-")
	var err error
	switch prefix {
	case "vpc":
		_, err = find(r.Vpcs, prefix, id)
	case "subnet":
		_, err = find(r.Subnets, prefix, id)
	case "sg":
		_, err = find(r.Groups, prefix, id)
	case "eni":
		_, err = find(r.ENIs, prefix, id)
	case "rtb":
		_, err = find(r.Routes, prefix, id)
	case "igw":
		_, err = find(r.IGWs, prefix, id)
	case "nat":
		_, err = find(r.NATs, prefix, id)
	case "eipalloc":
		_, err = find(r.Addresses, prefix, id)
	case "acl":
		if err = checkID(prefix, id); err == nil && r.Vpcs["vpc-"+strings.TrimPrefix(id, "acl-")] == nil {
			err = notFound(prefix, id)
		}
	case "sgr":
		if err = checkID(prefix, id); err == nil && !r.ruleExists(id) {
			err = notFound(prefix, id)
		}
	default:
		err = awsproto.Errorf(http.StatusBadRequest, "InvalidID", "The ID '%s' is not valid", id)
	}
	return err
}

func (r *region) ruleExists(id string) bool {
	for _, g := range r.Groups {
		for _, ru := range g.Rules {
			if ru.ID == id {
				return true
			}
		}
	}
	return false
}

func (q *request) resources() ([]string, error) {
	ids := q.f.List("ResourceId")
	if len(ids) == 0 {
		return nil, awsproto.Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	for _, id := range ids {
		if err := q.r.exists(id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (s *Service) createTags(q *request) (any, error) {
	ids, err := q.resources()
	if err != nil {
		return nil, err
	}
	if len(q.f.Structs("Tag")) == 0 {
		return nil, awsproto.Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter tagSet")
	}
	for _, id := range ids {
		if err := q.setTags(id, "Tag"); err != nil {
			return nil, err
		}
	}
	return returnTrue, nil
}

// deleteTags removes the listed keys (only where the value matches, when
// a value is given) or, with no Tag list, every tag of the resources.
func (s *Service) deleteTags(q *request) (any, error) {
	ids, err := q.resources()
	if err != nil {
		return nil, err
	}
	tags := q.f.Structs("Tag")
	for _, id := range ids {
		if len(tags) == 0 {
			delete(q.r.Tags, id)
			continue
		}
		for _, t := range tags {
			k := q.f.Get(t + ".Key")
			v, ok := q.r.Tags[id][k]
			if _, given := q.f.Values[t+".Value"]; ok && (!given || q.f.Get(t+".Value") == v) {
				delete(q.r.Tags[id], k)
			}
		}
		if len(q.r.Tags[id]) == 0 {
			delete(q.r.Tags, id)
		}
	}
	return returnTrue, nil
}

type tagDescriptionXML struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

func (s *Service) describeTags(q *request) (any, error) {
	fs := q.filters()
	var all []tagDescriptionXML
	for id, tags := range q.r.Tags {
		prefix, _, _ := strings.Cut(id, "-")
		typ := kinds[prefix].resourceType
		for k, v := range tags {
			ok, err := q.matches(fs, "", fields{"resource-id": {id}, "resource-type": {typ}, "key": {k}, "value": {v}})
			if err != nil {
				return nil, err
			}
			if ok {
				all = append(all, tagDescriptionXML{id, typ, k, v})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].ResourceID != all[j].ResourceID {
			return all[i].ResourceID < all[j].ResourceID
		}
		return all[i].Key < all[j].Key
	})
	keys := make([]string, len(all))
	byKey := map[string]tagDescriptionXML{}
	for i, t := range all {
		keys[i] = t.ResourceID + "\x00" + t.Key
		byKey[keys[i]] = t
	}
	limit, err := q.f.Int("MaxResults", 0)
	if err != nil {
		return nil, err
	}
	page, next, err := pagetoken.Page(q.scope(), keys, q.f.Get("NextToken"), limit)
	if err != nil {
		return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
	}
	out := struct {
		Tags      []tagDescriptionXML `xml:"tagSet>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, k := range page {
		out.Tags = append(out.Tags, byKey[k])
	}
	return out, nil
}
