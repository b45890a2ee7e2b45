package servicediscovery

import (
	"context"
	"strings"
)

type tagInput struct {
	ResourceARN string   `json:"ResourceARN"`
	Tags        []Tag    `json:"Tags"`
	TagKeys     []string `json:"TagKeys"`
}

// tagsOf returns the tag list of the namespace or service arn names, and
// the function that saves it; s.mu is held.
func (s *Service) tagsOf(arn string) (*[]Tag, func() error, error) {
	if arn == "" {
		return nil, nil, missing("resourceARN")
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[2] != "servicediscovery" {
		return nil, nil, invalid("ResourceARN %s is not valid.", arn)
	}
	region := parts[3]
	typ, id, _ := strings.Cut(parts[5], "/")
	switch typ {
	case "namespace":
		if n := s.namespaces[region+"/"+id]; n != nil && parts[4] == s.account {
			return &n.Tags, func() error { return s.store.Put(kindNamespaces, region+"/"+id, n) }, nil
		}
	case "service":
		if sv := s.services[region+"/"+id]; sv != nil && parts[4] == s.account {
			return &sv.Tags, func() error { return s.saveService(sv) }, nil
		}
	}
	return nil, nil, errorf("ResourceNotFoundException", "Resource %s not found.", arn)
}

func (s *Service) tagResource(ctx context.Context, in *tagInput) (*empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, save, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		if t.Key == "" {
			return nil, invalid("Tag keys must not be empty.")
		}
		replaced := false
		for i := range *tags {
			if (*tags)[i].Key == t.Key {
				(*tags)[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			*tags = append(*tags, t)
		}
	}
	if len(*tags) > 200 {
		return nil, errorf("TooManyTagsException", "A resource can have at most 200 tags.")
	}
	return &empty{}, save()
}

func (s *Service) untagResource(ctx context.Context, in *tagInput) (*empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, save, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	kept := (*tags)[:0]
	for _, t := range *tags {
		drop := false
		for _, k := range in.TagKeys {
			drop = drop || t.Key == k
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	*tags = kept
	return &empty{}, save()
}

func (s *Service) listTags(ctx context.Context, in *tagInput) (*struct{ Tags []Tag }, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, _, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	out := append([]Tag{}, *tags...)
	return &struct{ Tags []Tag }{out}, nil
}
