package ec2

import (
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// filter is one Filter.N of a Describe call: a name and the values any
// of which may match.
type filter struct {
	name   string
	values []string
}

func (q *request) filters() []filter {
	var out []filter
	for _, p := range q.f.Structs("Filter") {
		out = append(out, filter{q.f.Get(p + ".Name"), q.f.List(p + ".Value")})
	}
	return out
}

// fields are a resource's filterable attributes by filter name; every
// name the resource type accepts is present, with no values when unset.
type fields map[string][]string

// matches applies filters to the resource id with fields; the tag:<key>,
// tag-key and tag-value filters read id's tags. A filter name the
// resource does not have is InvalidParameterValue, as EC2 answers.
func (q *request) matches(fs []filter, id string, fl fields) (bool, error) {
	tags := q.r.Tags[id]
	for _, f := range fs {
		var have []string
		switch {
		case strings.HasPrefix(f.name, "tag:"):
			if v, ok := tags[f.name[4:]]; ok {
				have = []string{v}
			}
		case f.name == "owner-id":
			have = []string{q.account}
		case f.name == "tag-key" || f.name == "tag-value":
			for k, v := range tags {
				have = append(have, map[bool]string{true: k, false: v}[f.name == "tag-key"])
			}
		default:
			var ok bool
			if have, ok = fl[f.name]; !ok {
				return false, invalidValue("The filter '%s' is invalid", f.name)
			}
		}
		if !slices.ContainsFunc(f.values, func(p string) bool {
			return slices.ContainsFunc(have, func(h string) bool { return glob(p, h) })
		}) {
			return false, nil
		}
	}
	return true, nil
}

// glob matches s against an EC2 filter value, where * is any run of
// characters and ? any one byte. It backtracks only to the last star, so
// it runs in O(len(p)*len(s)) whatever the pattern.
func glob(p, s string) bool {
	px, sx := 0, 0
	star, next := -1, 0
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			switch c := p[px]; {
			case c == '*':
				star, next = px, sx
				px++
				continue
			case sx < len(s) && (c == '?' || c == s[sx]):
				px++
				sx++
				continue
			}
		}
		if star >= 0 && next < len(s) {
			next++
			px, sx = star+1, next
			continue
		}
		return false
	}
	return true
}

// describe selects the resources of m a Describe call asks for: those
// named by ids (each must exist; none means all), that pass the filters,
// one page of them when MaxResults is set, in ID order.
func describe[T any](q *request, ids []string, prefix string, m map[string]*T, fl func(*T) fields) ([]*T, string, error) {
	ids = slices.Clone(ids)
	for _, id := range ids {
		if _, err := find(m, prefix, id); err != nil {
			return nil, "", err
		}
	}
	if len(ids) == 0 {
		for id := range m {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	ids = slices.Compact(ids)
	fs := q.filters()
	var keep []string
	for _, id := range ids {
		ok, err := q.matches(fs, id, fl(m[id]))
		if err != nil {
			return nil, "", err
		}
		if ok {
			keep = append(keep, id)
		}
	}
	limit, err := q.f.Int("MaxResults", 0)
	if err != nil {
		return nil, "", err
	}
	if limit < 0 {
		return nil, "", invalidValue("Value ( %d ) for parameter maxResults is invalid. Parameter must be greater than or equal to 0.", limit)
	}
	page, next, err := pagetoken.Page(q.scope(), keep, q.f.Get("NextToken"), limit)
	if err != nil {
		return nil, "", awsproto.Errorf(http.StatusBadRequest, "InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
	}
	out := make([]*T, len(page))
	for i, id := range page {
		out[i] = m[id]
	}
	return out, next, nil
}

// tagXML is EC2's tag shape in answers.
type tagXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// tagSet returns id's tags in key order.
func (q *request) tagSet(id string) []tagXML {
	tags := q.r.Tags[id]
	out := make([]tagXML, 0, len(tags))
	for k, v := range tags {
		out = append(out, tagXML{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// tagSpecs applies the TagSpecification.N of a Create call to the new
// resource id of resourceType.
func (q *request) tagSpecs(id, resourceType string) error {
	for _, p := range q.f.Structs("TagSpecification") {
		if t := q.f.Get(p + ".ResourceType"); t != "" && t != resourceType {
			return invalidValue("'%s' is not a valid taggable resource type for this operation.", t)
		}
		if err := q.setTags(id, p+".Tag"); err != nil {
			return err
		}
	}
	return nil
}

// setTags adds the tags listed under prefix (prefix.N.Key/Value) to id.
func (q *request) setTags(id, prefix string) error {
	for _, t := range q.f.Structs(prefix) {
		k := q.f.Get(t + ".Key")
		if k == "" {
			return invalidValue("Tag keys must not be empty")
		}
		if strings.HasPrefix(k, "aws:") {
			return invalidValue("Tag keys starting with 'aws:' are reserved for internal use")
		}
		if q.r.Tags[id] == nil {
			q.r.Tags[id] = map[string]string{}
		}
		q.r.Tags[id][k] = q.f.Get(t + ".Value")
	}
	return nil
}

// scope is what a pagination token is valid for: the call without its
// NextToken, so that a token works for the next call of the same query.
func (q *request) scope() string {
	v := maps.Clone(q.f.Values)
	delete(v, "NextToken")
	return q.r.Name + "?" + v.Encode()
}
