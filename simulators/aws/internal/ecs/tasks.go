package ecs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

type runTaskInput struct {
	Cluster              string       `json:"cluster"`
	TaskDefinition       string       `json:"taskDefinition"`
	Count                *int32       `json:"count"`
	LaunchType           string       `json:"launchType"`
	PlatformVersion      string       `json:"platformVersion"`
	Group                string       `json:"group"`
	StartedBy            string       `json:"startedBy"`
	Overrides            taskOverride `json:"overrides"`
	Tags                 []Tag        `json:"tags"`
	EnableExecuteCommand bool         `json:"enableExecuteCommand"`
	NetworkConfiguration *struct {
		AwsvpcConfiguration *struct {
			Subnets        []string `json:"subnets"`
			SecurityGroups []string `json:"securityGroups"`
			AssignPublicIP string   `json:"assignPublicIp"`
		} `json:"awsvpcConfiguration"`
	} `json:"networkConfiguration"`
}

type tasksOutput struct {
	Tasks    []*task   `json:"tasks"`
	Failures []Failure `json:"failures"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Service) runTask(ctx context.Context, in *runTaskInput) (*tasksOutput, error) {
	if in.TaskDefinition == "" {
		return nil, awsproto.MissingParam("taskDefinition")
	}
	count := int32(1)
	if in.Count != nil {
		count = *in.Count
	}
	if count < 1 || count > 10 {
		return nil, invalidParam("count must be between 1 and 10.")
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, awsproto.ErrInternal
	}
	c := s.clusters[s.clusterARN(region, in.Cluster)]
	if c == nil || c.Status != "ACTIVE" {
		return nil, errClusterNotFound
	}
	td, err := s.lookupTaskDef(region, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if td.Status != "ACTIVE" {
		return nil, clientErr("TaskDefinition is inactive")
	}
	if err := checkRun(in, td); err != nil {
		return nil, err
	}
	ifaces, err := s.createENIs(ctx, region, td, in, int(count))
	if err != nil {
		return nil, err
	}
	out := &tasksOutput{Tasks: []*task{}, Failures: []Failure{}}
	for i := range count {
		t, err := s.newTask(region, c, td, in, ifaces[i])
		if err != nil {
			for _, iface := range ifaces[i:] {
				s.deleteENI(ctx, &task{Region: region, iface: iface.Interface})
			}
			return nil, err
		}
		snapshot := t.snapshot()
		s.wg.Add(1)
		go s.runLifecycle(context.WithoutCancel(ctx), t)
		out.Tasks = append(out.Tasks, snapshot)
	}
	return out, nil
}

func checkRun(in *runTaskInput, td *taskDef) error {
	p := td.parsed
	launch := in.LaunchType
	// A host.sourcePath volume takes FARGATE out of the compatibilities.
	if launch == "FARGATE" && (!contains(p.RequiresCompatibilities, "FARGATE") && p.NetworkMode != "awsvpc" || p.hostPaths()) {
		return invalidParam("Task definition does not support launch_type FARGATE.")
	}
	switch launch {
	case "", "EC2", "FARGATE", "EXTERNAL":
	default:
		return invalidParam("launchType must be one of [EC2, FARGATE, EXTERNAL].")
	}
	if p.NetworkMode == "awsvpc" {
		if in.NetworkConfiguration == nil || in.NetworkConfiguration.AwsvpcConfiguration == nil {
			return invalidParam("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) == 0 {
			return invalidParam("subnets can not be empty.")
		}
	}
	for _, o := range in.Overrides.ContainerOverrides {
		found := false
		for _, c := range p.ContainerDefinitions {
			found = found || c.Name == o.Name
		}
		if !found {
			return invalidParam("Override for container named %s is not a container in the TaskDefinition.", o.Name)
		}
	}
	return nil
}

// newTask creates a task in PROVISIONING with the interface iface made
// for it (none when its network mode is not awsvpc); s.mu is held.
func (s *Service) newTask(region string, c *cluster, td *taskDef, in *runTaskInput, iface taskENI) (*task, error) {
	id := randomHex(16)
	clusterName := c.Name
	now := s.now()
	t := &task{
		Region: region, TaskArn: s.arn(region, "task/"+clusterName+"/"+id), ClusterArn: c.Arn,
		TaskDefinitionArn: s.taskDefARN(region, td.Family, td.Revision), DesiredStatus: "RUNNING",
		LaunchType: in.LaunchType, Cpu: td.parsed.Cpu, Memory: td.parsed.Memory,
		Group: in.Group, StartedBy: in.StartedBy, AvailabilityZone: region + "a",
		CreatedAt: stamp(now), EnableExecuteCommand: in.EnableExecuteCommand, Overrides: in.Overrides,
		Tags: in.Tags, iface: iface.Interface, volumes: td.parsed.Volumes, stopReq: make(chan struct{}), done: make(chan struct{}),
	}
	if iface.AvailabilityZone != "" {
		t.AvailabilityZone = iface.AvailabilityZone
	}
	if t.Overrides.ContainerOverrides == nil {
		t.Overrides.ContainerOverrides = []containerOverride{}
	}
	if t.Group == "" {
		t.Group = "family:" + td.Family
	}
	if t.LaunchType == "" {
		t.LaunchType = "EC2"
	}
	if t.LaunchType == "FARGATE" {
		t.PlatformVersion, t.PlatformFamily = "1.4.0", "Linux"
		t.EphemeralStorage = map[string]int{"sizeInGiB": 20}
	}
	if in.Overrides.Cpu != "" {
		t.Cpu = in.Overrides.Cpu
	}
	if in.Overrides.Memory != "" {
		t.Memory = in.Overrides.Memory
	}
	t.set("PROVISIONING")
	t.Attachments = []attachment{}
	if td.parsed.NetworkMode == "awsvpc" {
		t.Attachments = append(t.Attachments, attachment{ID: iface.attachmentID, Type: "ElasticNetworkInterface",
			Status: "PRECREATED", Details: []KeyValue{{Name: "subnetId", Value: in.NetworkConfiguration.AwsvpcConfiguration.Subnets[0]}}})
	}
	for i, def := range td.parsed.ContainerDefinitions {
		def = applyOverride(def, in.Overrides.ContainerOverrides)
		ct := &container{ContainerArn: s.arn(region, "container/"+clusterName+"/"+id+"/"+reqid.New()),
			TaskArn: t.TaskArn, Name: def.Name, Image: def.Image, LastStatus: "PENDING",
			NetworkInterfaces: []networkInterface{}, HealthStatus: "UNKNOWN", def: def}
		if raw, ok := td.Containers[i]["cpu"]; ok {
			b, _ := json.Marshal(raw)
			ct.Cpu = string(b)
		}
		if def.Memory != nil {
			b, _ := json.Marshal(*def.Memory)
			ct.Memory = string(b)
		}
		t.Containers = append(t.Containers, ct)
	}
	if err := s.store.Put(kindTasks, t.TaskArn, taskRecord{Region: region, Task: t}); err != nil {
		return nil, err
	}
	s.tasks[t.TaskArn] = t
	return t, nil
}

// applyOverride applies RunTask's containerOverrides: command replaces,
// environment adds to and overrides by name.
func applyOverride(def containerDef, overrides []containerOverride) containerDef {
	for _, o := range overrides {
		if o.Name != def.Name {
			continue
		}
		if o.Command != nil {
			def.Command = o.Command
		}
		if len(o.Environment) > 0 {
			env := append([]KeyValue{}, def.Environment...)
			for _, kv := range o.Environment {
				replaced := false
				for i := range env {
					if env[i].Name == kv.Name {
						env[i].Value, replaced = kv.Value, true
					}
				}
				if !replaced {
					env = append(env, kv)
				}
			}
			def.Environment = env
		}
	}
	return def
}

// snapshot copies the wire state of t; s.mu is held.
func (t *task) snapshot() *task {
	c := *t
	c.Attachments = append([]attachment{}, t.Attachments...)
	c.Containers = make([]*container, len(t.Containers))
	for i, ct := range t.Containers {
		cc := *ct
		cc.proc = nil
		c.Containers[i] = &cc
	}
	return &c
}

type describeTasksInput struct {
	Cluster string   `json:"cluster"`
	Tasks   []string `json:"tasks"`
	Include []string `json:"include"`
}

// taskARN resolves a task ID or ARN within a cluster.
func (s *Service) taskARN(region, clusterRef, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	name := clusterRef
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name = "default"
	}
	return s.arn(region, "task/"+name+"/"+ref)
}

func (s *Service) describeTasks(ctx context.Context, in *describeTasksInput) (*tasksOutput, error) {
	if in.Tasks == nil {
		return nil, awsproto.MissingParam("tasks")
	}
	if len(in.Tasks) > 100 {
		return nil, invalidParam("Tasks cannot be longer than 100.")
	}
	region := awsproto.CallFrom(ctx).Region
	withTags := contains(in.Include, "TAGS")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clusters[s.clusterARN(region, in.Cluster)]
	if c == nil {
		return nil, errClusterNotFound
	}
	out := &tasksOutput{Tasks: []*task{}, Failures: []Failure{}}
	for _, ref := range in.Tasks {
		arn := s.taskARN(region, c.Name, ref)
		t := s.tasks[arn]
		if t == nil || t.ClusterArn != c.Arn {
			out.Failures = append(out.Failures, Failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		snap := t.snapshot()
		if !withTags {
			snap.Tags = nil
		}
		out.Tasks = append(out.Tasks, snap)
	}
	return out, nil
}

type stopTaskInput struct {
	Cluster string `json:"cluster"`
	Task    string `json:"task"`
	Reason  string `json:"reason"`
}

type stopTaskOutput struct {
	Task *task `json:"task"`
}

// stopTask asks the task's lifecycle to stop it and answers at once, with
// desiredStatus STOPPED, as ECS does; the containers get SIGTERM and, after
// their stopTimeout, SIGKILL.
func (s *Service) stopTask(ctx context.Context, in *stopTaskInput) (*stopTaskOutput, error) {
	if in.Task == "" {
		return nil, awsproto.MissingParam("task")
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clusters[s.clusterARN(region, in.Cluster)]
	if c == nil {
		return nil, errClusterNotFound
	}
	t := s.tasks[s.taskARN(region, c.Name, in.Task)]
	if t == nil || t.ClusterArn != c.Arn {
		return nil, errTaskNotFound
	}
	if t.DesiredStatus != "STOPPED" {
		t.DesiredStatus = "STOPPED"
		t.StopCode = "UserInitiated"
		t.StoppedReason = in.Reason
		if t.StoppedReason == "" {
			t.StoppedReason = "Task stopped by user"
		}
		t.StoppingAt = stamp(s.now())
		t.Version++
		close(t.stopReq)
		s.saveTask(t)
	}
	return &stopTaskOutput{Task: t.snapshot()}, nil
}

type listTasksInput struct {
	listInput
	Cluster       string `json:"cluster"`
	Family        string `json:"family"`
	DesiredStatus string `json:"desiredStatus"`
	StartedBy     string `json:"startedBy"`
	LaunchType    string `json:"launchType"`
	ServiceName   string `json:"serviceName"`
}

type listTasksOutput struct {
	TaskArns  []string `json:"taskArns"`
	NextToken string   `json:"nextToken,omitempty"`
}

func (s *Service) listTasks(ctx context.Context, in *listTasksInput) (*listTasksOutput, error) {
	n, err := in.limit()
	if err != nil {
		return nil, err
	}
	desired := in.DesiredStatus
	switch desired {
	case "":
		desired = "RUNNING"
	case "RUNNING", "PENDING", "STOPPED":
	default:
		return nil, invalidParam("desiredStatus must be one of [RUNNING, PENDING, STOPPED].")
	}
	if in.Family != "" && in.ServiceName != "" {
		return nil, invalidParam("Family and serviceName cannot be specified together.")
	}
	region := awsproto.CallFrom(ctx).Region
	s.mu.Lock()
	c := s.clusters[s.clusterARN(region, in.Cluster)]
	if c == nil {
		s.mu.Unlock()
		return nil, errClusterNotFound
	}
	var arns []string
	for arn, t := range s.tasks {
		if t.ClusterArn != c.Arn || t.DesiredStatus != desired && !(desired == "PENDING" && t.LastStatus == "PENDING") ||
			in.StartedBy != "" && t.StartedBy != in.StartedBy ||
			in.LaunchType != "" && t.LaunchType != in.LaunchType ||
			in.ServiceName != "" && t.Group != "service:"+in.ServiceName ||
			in.Family != "" && !strings.Contains(t.TaskDefinitionArn, ":task-definition/"+in.Family+":") {
			continue
		}
		arns = append(arns, arn)
	}
	s.mu.Unlock()
	sort.Strings(arns)
	page, next, err := pagetoken.Page("ListTasks", arns, in.NextToken, n)
	if err != nil {
		return nil, invalidParam("Invalid token")
	}
	return &listTasksOutput{TaskArns: append([]string{}, page...), NextToken: next}, nil
}
