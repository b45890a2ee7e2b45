package ecr

import (
	"context"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// JSON returns the control plane's JSON 1.1 operations.
func (s *Service) JSON() awsproto.JSONService {
	policy := func(lifecycle bool, op string) awsproto.Op {
		return awsproto.Typed(func(ctx context.Context, in *policyInput) (*policyOutput, error) {
			return s.policyOp(ctx, in, lifecycle, op)
		})
	}
	tag := func(op string) awsproto.Op {
		return awsproto.Typed(func(ctx context.Context, in *tagInput) (*tagsOutput, error) {
			return s.tagOp(ctx, in, op)
		})
	}
	return awsproto.JSONService{Prefix: Target, Ops: map[string]awsproto.Op{
		"CreateRepository":       awsproto.Typed(s.createRepository),
		"DescribeRepositories":   awsproto.Typed(s.describeRepositories),
		"DeleteRepository":       awsproto.Typed(s.deleteRepository),
		"GetAuthorizationToken":  awsproto.Typed(s.getAuthorizationToken),
		"PutImage":               awsproto.Typed(s.putImage),
		"BatchGetImage":          awsproto.Typed(s.batchGetImage),
		"DescribeImages":         awsproto.Typed(s.describeImages),
		"ListImages":             awsproto.Typed(s.listImages),
		"BatchDeleteImage":       awsproto.Typed(s.batchDeleteImage),
		"SetRepositoryPolicy":    policy(false, "set"),
		"GetRepositoryPolicy":    policy(false, "get"),
		"DeleteRepositoryPolicy": policy(false, "delete"),
		"PutLifecyclePolicy":     policy(true, "set"),
		"GetLifecyclePolicy":     policy(true, "get"),
		"DeleteLifecyclePolicy":  policy(true, "delete"),
		"TagResource":            tag("tag"),
		"UntagResource":          tag("untag"),
		"ListTagsForResource":    tag("list"),
	}}
}
