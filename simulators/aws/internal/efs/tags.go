package efs

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// checkTags applies EFS's tag limits: keys of 1 to 128 characters, values
// of at most 256, no "aws:" prefix, at most 50 tags.
func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return badRequest("A resource can have at most 50 tags.")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return badRequest("Tag key %q or its value has a length that is not valid.", t.Key)
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return badRequest("Tag keys starting with 'aws:' are reserved.")
		}
	}
	return nil
}

// tagsOf returns the tags of the file system or access point named by a
// resource ID or ARN, and the function that saves them; s.mu is held.
func (s *Service) tagsOf(region, id string) (*[]Tag, func() error, error) {
	if i := strings.LastIndex(id, "/"); strings.HasPrefix(id, "arn:") && i >= 0 {
		id = id[i+1:]
	}
	switch {
	case strings.HasPrefix(id, "fs-"):
		f, err := s.fileSystem(region, id)
		if err != nil {
			return nil, nil, err
		}
		return &f.Tags, func() error { return s.store.Put(kindFileSystems, region+"/"+id, f) }, nil
	case strings.HasPrefix(id, "fsap-"):
		a := s.aps[region+"/"+id]
		if a == nil {
			return nil, nil, apNotFound(id)
		}
		return &a.Tags, func() error { return s.store.Put(kindAccessPoints, region+"/"+id, a) }, nil
	}
	return nil, nil, badRequest("Resource ID %s is not valid.", id)
}

func (s *Service) tagResource(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct {
		Tags []Tag `json:"Tags"`
	}
	if err := decode(body, &in); err != nil {
		return err
	}
	if len(in.Tags) == 0 {
		return badRequest("Tags are required.")
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, save, err := s.tagsOf(regionOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	for _, t := range in.Tags {
		found := false
		for i := range *tags {
			if (*tags)[i].Key == t.Key {
				(*tags)[i].Value, found = t.Value, true
			}
		}
		if !found {
			*tags = append(*tags, t)
		}
	}
	if err := checkTags(*tags); err != nil {
		return err
	}
	if err := save(); err != nil {
		return err
	}
	return writeJSON(w, r, http.StatusOK, struct{}{})
}

func (s *Service) untagResource(w http.ResponseWriter, r *http.Request, _ []byte) error {
	keys := r.URL.Query()["tagKeys"]
	if len(keys) == 0 {
		return badRequest("TagKeys are required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, save, err := s.tagsOf(regionOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	kept := []Tag{}
	for _, t := range *tags {
		drop := false
		for _, k := range keys {
			drop = drop || k == t.Key
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	*tags = kept
	if err := save(); err != nil {
		return err
	}
	return writeJSON(w, r, http.StatusOK, struct{}{})
}

func (s *Service) listTags(w http.ResponseWriter, r *http.Request, _ []byte) error {
	max, err := intParam(r, "MaxResults")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	tags, _, err := s.tagsOf(regionOf(r), id)
	if err != nil {
		return err
	}
	byKey := map[string]Tag{}
	keys := make([]string, 0, len(*tags))
	for _, t := range *tags {
		keys = append(keys, t.Key)
		byKey[t.Key] = t
	}
	sort.Strings(keys)
	page, next, err := pagetoken.Page("ListTagsForResource"+id, keys, r.URL.Query().Get("NextToken"), max)
	if err != nil {
		return badRequest("NextToken is not valid.")
	}
	out := struct {
		Tags      []Tag  `json:"Tags"`
		NextToken string `json:"NextToken,omitempty"`
	}{Tags: []Tag{}, NextToken: next}
	for _, k := range page {
		out.Tags = append(out.Tags, byKey[k])
	}
	return writeJSON(w, r, http.StatusOK, out)
}
