package logs

import (
	"context"
	"maps"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type tagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

type untagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

type tagsOutput struct {
	Tags map[string]string `json:"tags"`
}

type tagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type resourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

func (s *Service) tagLogGroup(ctx context.Context, in *tagLogGroupInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	return s.retag(ctx, in.LogGroupName, in.Tags, nil)
}

func (s *Service) untagLogGroup(ctx context.Context, in *untagLogGroupInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	return s.retag(ctx, in.LogGroupName, nil, in.Tags)
}

func (s *Service) listTagsLogGroup(ctx context.Context, in *groupNameInput) (*tagsOutput, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	return s.tags(ctx, in.LogGroupName)
}

// arnGroup returns the log group an ARN names
// (arn:aws:logs:region:account:log-group:name[:*]).
func arnGroup(arn string) (string, error) {
	if arn == "" {
		return "", awsproto.MissingParam("resourceArn")
	}
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", invalidParam("Invalid ARN: %s", arn)
	}
	return strings.TrimSuffix(name, ":*"), nil
}

func (s *Service) tagResource(ctx context.Context, in *tagResourceInput) (*empty, error) {
	name, err := arnGroup(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return s.retag(ctx, name, in.Tags, nil)
}

func (s *Service) untagResource(ctx context.Context, in *untagResourceInput) (*empty, error) {
	name, err := arnGroup(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return s.retag(ctx, name, nil, in.TagKeys)
}

func (s *Service) listTagsForResource(ctx context.Context, in *resourceInput) (*tagsOutput, error) {
	name, err := arnGroup(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return s.tags(ctx, name)
}

func (s *Service) retag(ctx context.Context, name string, add map[string]string, remove []string) (*empty, error) {
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(c.Region, name)
	if err != nil {
		return nil, err
	}
	tags := maps.Clone(g.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, add)
	for _, k := range remove {
		delete(tags, k)
	}
	if len(tags) > 50 {
		return nil, invalidParam("A log group can have at most 50 tags")
	}
	old := g.Tags
	g.Tags = tags
	if err := s.saveGroup(g); err != nil {
		g.Tags = old
		return nil, err
	}
	return &empty{}, nil
}

func (s *Service) tags(ctx context.Context, name string) (*tagsOutput, error) {
	c := awsproto.CallFrom(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.group(c.Region, name)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(g.Tags)
	if out == nil {
		out = map[string]string{}
	}
	return &tagsOutput{Tags: out}, nil
}
