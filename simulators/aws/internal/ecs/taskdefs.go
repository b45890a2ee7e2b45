package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// containerDef is the part of a container definition the simulator acts
// on. The definition itself is kept as sent (raw), so that every member a
// client set is echoed back as ECS does.
type containerDef struct {
	Name             string        `json:"name"`
	Image            string        `json:"image"`
	EntryPoint       []string      `json:"entryPoint"`
	Command          []string      `json:"command"`
	Environment      []KeyValue    `json:"environment"`
	WorkingDirectory string        `json:"workingDirectory"`
	User             string        `json:"user"`
	Essential        *bool         `json:"essential"`
	StopTimeout      *int32        `json:"stopTimeout"`
	Cpu              int32         `json:"cpu"`
	Memory           *int32        `json:"memory"`
	PortMappings     []portMapping `json:"portMappings"`
	MountPoints      []mountPoint  `json:"mountPoints"`
	DependsOn        []dependency  `json:"dependsOn"`
	LogConfiguration *struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

// portMapping is a container port the task exposes.
type portMapping struct {
	ContainerPort int32  `json:"containerPort"`
	HostPort      int32  `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

func (c containerDef) essential() bool { return c.Essential == nil || *c.Essential }

// taskDef is a registered revision. Its wire form is Raw plus the members
// ECS computes.
type taskDef struct {
	Region       string                   `json:"region"`
	Family       string                   `json:"family"`
	Revision     int                      `json:"revision"`
	Status       string                   `json:"status"`
	RegisteredAt time.Time                `json:"registeredAt"`
	Deregistered time.Time                `json:"deregisteredAt"`
	Raw          map[string]any           `json:"raw"`
	Containers   []map[string]any         `json:"containers"`
	Tags         []Tag                    `json:"tags"`
	parsed       registerTaskDefinitionIn `json:"-"`
}

type registerTaskDefinitionIn struct {
	Family                  string         `json:"family"`
	ContainerDefinitions    []containerDef `json:"containerDefinitions"`
	NetworkMode             string         `json:"networkMode"`
	RequiresCompatibilities []string       `json:"requiresCompatibilities"`
	Cpu                     string         `json:"cpu"`
	Memory                  string         `json:"memory"`
	Volumes                 []volume       `json:"volumes"`
	Tags                    []Tag          `json:"tags"`
}

func (s *Service) taskDefARN(region, family string, rev int) string {
	return s.arn(region, fmt.Sprintf("task-definition/%s:%d", family, rev))
}

// wire returns the task definition as ECS answers it.
func (s *Service) wire(td *taskDef) map[string]any {
	out := map[string]any{}
	for k, v := range td.Raw {
		out[k] = v
	}
	delete(out, "tags")
	out["family"] = td.Family
	out["revision"] = td.Revision
	out["status"] = td.Status
	out["taskDefinitionArn"] = s.taskDefARN(td.Region, td.Family, td.Revision)
	out["containerDefinitions"] = td.Containers
	out["registeredAt"] = epoch(td.RegisteredAt)
	out["registeredBy"] = "arn:aws:iam::" + s.account + ":root"
	if !td.Deregistered.IsZero() {
		out["deregisteredAt"] = epoch(td.Deregistered)
	}
	if _, ok := out["networkMode"]; !ok {
		out["networkMode"] = "bridge"
	}
	out["compatibilities"] = []string{"EC2", "FARGATE"}
	if out["networkMode"] != "awsvpc" || td.parsed.hostPaths() {
		out["compatibilities"] = []string{"EC2"}
	}
	if _, ok := out["volumes"]; !ok {
		out["volumes"] = []any{}
	}
	return out
}

func (s *Service) registerTaskDefinition(ctx context.Context, body []byte) (any, error) {
	var in registerTaskDefinitionIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, awsproto.Serialization("Malformed JSON request body: %v", err)
	}
	if in.Family == "" {
		return nil, awsproto.MissingParam("family")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, awsproto.MissingParam("containerDefinitions")
	}
	if err := checkTaskDef(&in); err != nil {
		return nil, err
	}
	rawDefs, _ := raw["containerDefinitions"].([]any)
	containers := make([]map[string]any, len(rawDefs))
	for i, d := range rawDefs {
		m, _ := d.(map[string]any)
		if m == nil {
			return nil, awsproto.Serialization("containerDefinitions must hold objects")
		}
		// Members ECS fills in when they are left out.
		for k, v := range map[string]any{"essential": true, "environment": []any{}, "mountPoints": []any{},
			"volumesFrom": []any{}, "portMappings": []any{}, "cpu": 0} {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		containers[i] = m
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	key := region + "/" + in.Family
	td := &taskDef{Region: region, Family: in.Family, Revision: len(s.families[key]) + 1, Status: "ACTIVE",
		RegisteredAt: s.now(), Raw: raw, Containers: containers, Tags: in.Tags, parsed: in}
	if err := s.store.Put(kindTaskDefs, key+":"+strconv.Itoa(td.Revision), td); err != nil {
		return nil, err
	}
	s.families[key] = append(s.families[key], td)
	return map[string]any{"taskDefinition": s.wire(td), "tags": nonNil(td.Tags)}, nil
}

func checkTaskDef(in *registerTaskDefinitionIn) error {
	names := map[string]bool{}
	essential := false
	for _, c := range in.ContainerDefinitions {
		if c.Name == "" {
			return clientErr("Container.name should not be null or empty.")
		}
		if c.Image == "" {
			return clientErr("Container.image should not be null or empty.")
		}
		if names[c.Name] {
			return clientErr("Duplicate container name: %s", c.Name)
		}
		names[c.Name] = true
		essential = essential || c.essential()
	}
	if !essential {
		return clientErr("Task definition must have at least one essential container.")
	}
	switch in.NetworkMode {
	case "", "bridge", "host", "awsvpc", "none":
	default:
		return clientErr("Invalid networkMode: %s", in.NetworkMode)
	}
	if contains(in.RequiresCompatibilities, "FARGATE") {
		if in.NetworkMode != "awsvpc" {
			return clientErr("Fargate only supports network mode ‘awsvpc’.")
		}
		if in.Cpu == "" || in.Memory == "" {
			return clientErr("Fargate requires that 'cpu' be defined at the task level.")
		}
	}
	if err := checkVolumes(in); err != nil {
		return err
	}
	return checkDependsOn(in)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// lookupTaskDef resolves "family", "family:rev" or an ARN; a bare family
// is its latest ACTIVE revision.
func (s *Service) lookupTaskDef(region, ref string) (*taskDef, error) {
	if i := strings.Index(ref, ":task-definition/"); strings.HasPrefix(ref, "arn:") && i > 0 {
		ref = ref[i+len(":task-definition/"):]
	}
	family, revs, hasRev := strings.Cut(ref, ":")
	list := s.families[region+"/"+family]
	if !hasRev {
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].Status == "ACTIVE" {
				return list[i], nil
			}
		}
		return nil, errTaskDefNotFound
	}
	rev, err := strconv.Atoi(revs)
	if err != nil || rev < 1 || rev > len(list) {
		return nil, errTaskDefNotFound
	}
	return list[rev-1], nil
}

type taskDefRefInput struct {
	TaskDefinition string   `json:"taskDefinition"`
	Include        []string `json:"include"`
}

func (s *Service) describeTaskDefinition(ctx context.Context, in *taskDefRefInput) (*map[string]any, error) {
	if in.TaskDefinition == "" {
		return nil, awsproto.MissingParam("taskDefinition")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.lookupTaskDef(awsproto.CallFrom(ctx).Region, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"taskDefinition": s.wire(td)}
	if contains(in.Include, "TAGS") {
		out["tags"] = nonNil(td.Tags)
	}
	return &out, nil
}

func (s *Service) deregisterTaskDefinition(ctx context.Context, in *taskDefRefInput) (*map[string]any, error) {
	if in.TaskDefinition == "" {
		return nil, awsproto.MissingParam("taskDefinition")
	}
	if !strings.Contains(in.TaskDefinition, ":") {
		return nil, clientErr("Invalid revision number. Number: %s", in.TaskDefinition)
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.lookupTaskDef(region, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if td.Status == "ACTIVE" {
		td.Status, td.Deregistered = "INACTIVE", s.now()
		if err := s.store.Put(kindTaskDefs, region+"/"+td.Family+":"+strconv.Itoa(td.Revision), td); err != nil {
			return nil, err
		}
	}
	return &map[string]any{"taskDefinition": s.wire(td)}, nil
}

type listTaskDefinitionsInput struct {
	listInput
	FamilyPrefix string `json:"familyPrefix"`
	Status       string `json:"status"`
	Sort         string `json:"sort"`
}

type listTaskDefinitionsOutput struct {
	TaskDefinitionArns []string `json:"taskDefinitionArns"`
	NextToken          string   `json:"nextToken,omitempty"`
}

func (s *Service) listTaskDefinitions(ctx context.Context, in *listTaskDefinitionsInput) (*listTaskDefinitionsOutput, error) {
	n, err := in.limit()
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = "ACTIVE"
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	var keys []string // family + zero-padded revision sorts as ECS lists
	for key, list := range s.families {
		r, family, _ := strings.Cut(key, "/")
		if r != region || !strings.HasPrefix(family, in.FamilyPrefix) {
			continue
		}
		for _, td := range list {
			if td.Status == status {
				keys = append(keys, fmt.Sprintf("%s:%010d", family, td.Revision))
			}
		}
	}
	s.mu.Unlock()
	sort.Strings(keys)
	if in.Sort == "DESC" {
		sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	}
	var page []string
	var next string
	if in.Sort == "DESC" {
		page, next, err = pageDesc(keys, in.NextToken, n)
	} else {
		page, next, err = pagetoken.Page("ListTaskDefinitions", keys, in.NextToken, n)
	}
	if err != nil {
		return nil, invalidParam("Invalid token")
	}
	out := &listTaskDefinitionsOutput{TaskDefinitionArns: []string{}, NextToken: next}
	for _, k := range page {
		family, rev, _ := strings.Cut(k, ":")
		r, _ := strconv.Atoi(rev)
		out.TaskDefinitionArns = append(out.TaskDefinitionArns, s.taskDefARN(region, family, r))
	}
	return out, nil
}

// pageDesc pages a descending list by position.
func pageDesc(keys []string, token string, n int) ([]string, string, error) {
	pos := make([]string, len(keys))
	for i := range keys {
		pos[i] = fmt.Sprintf("%010d", i)
	}
	page, next, err := pagetoken.Page("ListTaskDefinitionsDESC", pos, token, n)
	if err != nil {
		return nil, "", err
	}
	out := make([]string, len(page))
	for i, p := range page {
		j, _ := strconv.Atoi(p)
		out[i] = keys[j]
	}
	return out, next, nil
}
