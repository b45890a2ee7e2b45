package ecs

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

func (s *Service) arn(region, resource string) string {
	return "arn:aws:ecs:" + region + ":" + s.account + ":" + resource
}

// clusterARN resolves a cluster name or ARN ("" is "default").
func (s *Service) clusterARN(region, ref string) string {
	if ref == "" {
		ref = "default"
	}
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return s.arn(region, "cluster/"+ref)
}

type createClusterInput struct {
	ClusterName string     `json:"clusterName"`
	Tags        []Tag      `json:"tags"`
	Settings    []KeyValue `json:"settings"`
}

type clusterOut struct {
	*cluster
	RunningTasksCount                 int `json:"runningTasksCount"`
	PendingTasksCount                 int `json:"pendingTasksCount"`
	ActiveServicesCount               int `json:"activeServicesCount"`
	RegisteredContainerInstancesCount int `json:"registeredContainerInstancesCount"`
}

type clusterOutput struct {
	Cluster clusterOut `json:"cluster"`
}

func (s *Service) createCluster(ctx context.Context, in *createClusterInput) (*clusterOutput, error) {
	region := awsproto.CallFrom(ctx).Region
	name := in.ClusterName
	if name == "" {
		name = "default"
	}
	if len(name) > 255 || strings.ContainsFunc(name, func(r rune) bool {
		return !(r == '-' || r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		return nil, invalidParam("Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := s.clusterARN(region, name)
	// CreateCluster is idempotent for an active cluster, as in ECS.
	if c := s.clusters[arn]; c != nil && c.Status == "ACTIVE" {
		return &clusterOutput{s.clusterOut(c)}, nil
	}
	c := &cluster{Region: region, Arn: arn, Name: name, Status: "ACTIVE", Tags: in.Tags, Settings: in.Settings, Created: s.now()}
	if c.Settings == nil {
		c.Settings = []KeyValue{{Name: "containerInsights", Value: "disabled"}}
	}
	if err := s.store.Put(kindClusters, arn, c); err != nil {
		return nil, err
	}
	s.clusters[arn] = c
	return &clusterOutput{s.clusterOut(c)}, nil
}

func (s *Service) clusterOut(c *cluster) clusterOut {
	o := clusterOut{cluster: c}
	for _, t := range s.tasks {
		if t.ClusterArn != c.Arn {
			continue
		}
		switch t.LastStatus {
		case "RUNNING":
			o.RunningTasksCount++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			o.PendingTasksCount++
		}
	}
	return o
}

type describeClustersInput struct {
	Clusters []string `json:"clusters"`
	Include  []string `json:"include"`
}

// Failure is how ECS reports, per item, what a batch call could not do.
type Failure struct {
	Arn    string `json:"arn,omitempty"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

type describeClustersOutput struct {
	Clusters []clusterOut `json:"clusters"`
	Failures []Failure    `json:"failures"`
}

func (s *Service) describeClusters(ctx context.Context, in *describeClustersInput) (*describeClustersOutput, error) {
	region := awsproto.CallFrom(ctx).Region
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{"default"}
	}
	if len(refs) > 100 {
		return nil, invalidParam("clusters can have at most 100 items.")
	}
	withTags := contains(in.Include, "TAGS")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &describeClustersOutput{Clusters: []clusterOut{}, Failures: []Failure{}}
	for _, ref := range refs {
		arn := s.clusterARN(region, ref)
		c := s.clusters[arn]
		if c == nil {
			out.Failures = append(out.Failures, Failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		o := s.clusterOut(c)
		if !withTags {
			cc := *c
			cc.Tags = nil
			o.cluster = &cc
		}
		out.Clusters = append(out.Clusters, o)
	}
	return out, nil
}

type listInput struct {
	NextToken  string `json:"nextToken"`
	MaxResults *int32 `json:"maxResults"`
}

func (in listInput) limit() (int, error) {
	if in.MaxResults == nil {
		return 100, nil
	}
	if *in.MaxResults < 1 || *in.MaxResults > 100 {
		return 0, invalidParam("maxResults must be between 1 and 100.")
	}
	return int(*in.MaxResults), nil
}

type listClustersOutput struct {
	ClusterArns []string `json:"clusterArns"`
	NextToken   string   `json:"nextToken,omitempty"`
}

func (s *Service) listClusters(ctx context.Context, in *listInput) (*listClustersOutput, error) {
	n, err := in.limit()
	if err != nil {
		return nil, err
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	var arns []string
	for arn, c := range s.clusters {
		if c.Region == region && c.Status == "ACTIVE" {
			arns = append(arns, arn)
		}
	}
	s.mu.Unlock()
	sort.Strings(arns)
	page, next, err := pagetoken.Page("ListClusters", arns, in.NextToken, n)
	if err != nil {
		return nil, invalidParam("Invalid token")
	}
	return &listClustersOutput{ClusterArns: append([]string{}, page...), NextToken: next}, nil
}

type deleteClusterInput struct {
	Cluster string `json:"cluster"`
}

func (s *Service) deleteCluster(ctx context.Context, in *deleteClusterInput) (*clusterOutput, error) {
	if in.Cluster == "" {
		return nil, awsproto.MissingParam("cluster")
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clusters[s.clusterARN(region, in.Cluster)]
	if c == nil || c.Status != "ACTIVE" {
		return nil, errClusterNotFound
	}
	for _, t := range s.tasks {
		if t.ClusterArn == c.Arn && t.LastStatus != "STOPPED" {
			return nil, awsproto.Errorf(http.StatusBadRequest, "ClusterContainsTasksException",
				"The Cluster cannot be deleted while Tasks are active.")
		}
	}
	c.Status = "INACTIVE"
	if err := s.store.Put(kindClusters, c.Arn, c); err != nil {
		return nil, err
	}
	return &clusterOutput{s.clusterOut(c)}, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
