package ecr

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type policyInput struct {
	RepositoryName      string `json:"repositoryName"`
	PolicyText          string `json:"policyText"`
	LifecyclePolicyText string `json:"lifecyclePolicyText"`
}

type policyOutput struct {
	RegistryID          string `json:"registryId"`
	RepositoryName      string `json:"repositoryName"`
	PolicyText          string `json:"policyText,omitempty"`
	LifecyclePolicyText string `json:"lifecyclePolicyText,omitempty"`
}

// policyOp reads or changes one of a repository's two policies.
func (s *Service) policyOp(ctx context.Context, in *policyInput, lifecycle bool, op string) (*policyOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	field, text, missing := &r.Policy, in.PolicyText, awsproto.Errorf(http.StatusBadRequest, "RepositoryPolicyNotFoundException",
		"Repository policy does not exist for the repository with name '%s' in the registry with id '%s'", r.Name, s.account)
	if lifecycle {
		field, text = &r.LifecyclePolicy, in.LifecyclePolicyText
		missing = awsproto.Errorf(http.StatusBadRequest, "LifecyclePolicyNotFoundException",
			"Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'", r.Name, s.account)
	}
	out := &policyOutput{RegistryID: s.account, RepositoryName: r.Name}
	switch op {
	case "set":
		if text == "" {
			return nil, awsproto.MissingParam("policyText")
		}
		if !json.Valid([]byte(text)) {
			return nil, invalidParam("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'")
		}
		*field = text
	case "get", "delete":
		if *field == "" {
			return nil, missing
		}
		text = *field
		if op == "delete" {
			*field = ""
		}
	}
	if lifecycle {
		out.LifecyclePolicyText = text
	} else {
		out.PolicyText = text
	}
	return out, s.saveRepo(r)
}

type tagInput struct {
	ResourceArn string   `json:"resourceArn"`
	Tags        []Tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

type tagsOutput struct {
	Tags []Tag `json:"tags,omitempty"`
}

func (s *Service) tagOp(ctx context.Context, in *tagInput, op string) (*tagsOutput, error) {
	if in.ResourceArn == "" {
		return nil, awsproto.MissingParam("resourceArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var r *repository
	for _, rp := range s.repos {
		if s.repoARN(rp) == in.ResourceArn {
			r = rp
		}
	}
	if r == nil {
		return nil, invalidParam("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'")
	}
	switch op {
	case "tag":
		for _, nt := range in.Tags {
			replaced := false
			for i := range r.Tags {
				if r.Tags[i].Key == nt.Key {
					r.Tags[i].Value, replaced = nt.Value, true
				}
			}
			if !replaced {
				r.Tags = append(r.Tags, nt)
			}
		}
	case "untag":
		kept := r.Tags[:0]
		for _, t := range r.Tags {
			drop := false
			for _, k := range in.TagKeys {
				drop = drop || k == t.Key
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		r.Tags = kept
	case "list":
		return &tagsOutput{Tags: append([]Tag{}, r.Tags...)}, nil
	}
	return &tagsOutput{}, s.saveRepo(r)
}
