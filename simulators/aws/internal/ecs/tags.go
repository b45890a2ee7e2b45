package ecs

import (
	"context"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type tagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	Tags        []Tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

type tagsOutput struct {
	Tags []Tag `json:"tags,omitempty"`
}

// tagsOf returns the tag list of the resource arn names; s.mu is held.
func (s *Service) tagsOf(arn string) (*[]Tag, error) {
	switch {
	case strings.Contains(arn, ":cluster/"):
		if c := s.clusters[arn]; c != nil {
			return &c.Tags, nil
		}
	case strings.Contains(arn, ":task/"):
		if t := s.tasks[arn]; t != nil {
			return &t.Tags, nil
		}
	case strings.Contains(arn, ":task-definition/"):
		region := strings.Split(arn, ":")[3]
		if td, err := s.lookupTaskDef(region, arn); err == nil {
			return &td.Tags, nil
		}
	}
	return nil, errResourceMissing
}

func (s *Service) persistTagged(arn string) error {
	switch {
	case strings.Contains(arn, ":cluster/"):
		c := s.clusters[arn]
		return s.store.Put(kindClusters, arn, clusterRecord{Region: c.Region, Created: c.Created, cluster: c})
	case strings.Contains(arn, ":task/"):
		s.saveTask(s.tasks[arn])
	case strings.Contains(arn, ":task-definition/"):
		td, _ := s.lookupTaskDef(strings.Split(arn, ":")[3], arn)
		return s.store.Put(kindTaskDefs, td.Region+"/"+td.Family+":"+itoa(td.Revision), td)
	}
	return nil
}

func (s *Service) tagResource(ctx context.Context, in *tagResourceInput) (*tagsOutput, error) {
	if in.ResourceArn == "" {
		return nil, awsproto.MissingParam("resourceArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, nt := range in.Tags {
		if nt.Key == "" {
			return nil, invalidParam("Tag keys must not be empty.")
		}
		replaced := false
		for i := range *tags {
			if (*tags)[i].Key == nt.Key {
				(*tags)[i].Value, replaced = nt.Value, true
			}
		}
		if !replaced {
			*tags = append(*tags, nt)
		}
	}
	if len(*tags) > 50 {
		return nil, invalidParam("Tags can have at most 50 items.")
	}
	return &tagsOutput{}, s.persistTagged(in.ResourceArn)
}

func (s *Service) untagResource(ctx context.Context, in *tagResourceInput) (*tagsOutput, error) {
	if in.ResourceArn == "" {
		return nil, awsproto.MissingParam("resourceArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	kept := (*tags)[:0]
	for _, t := range *tags {
		if !contains(in.TagKeys, t.Key) {
			kept = append(kept, t)
		}
	}
	*tags = kept
	return &tagsOutput{}, s.persistTagged(in.ResourceArn)
}

func (s *Service) listTagsForResource(ctx context.Context, in *tagResourceInput) (*tagsOutput, error) {
	if in.ResourceArn == "" {
		return nil, awsproto.MissingParam("resourceArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &tagsOutput{Tags: append([]Tag{}, *tags...)}, nil
}
