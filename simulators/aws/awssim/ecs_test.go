package awssim

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

// waitTask polls DescribeTasks, as the SDK's TasksStopped waiter does,
// until the task's lastStatus is want.
func waitTask(t *testing.T, c *ecs.Client, cluster, arn, want string) ecstypes.Task {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := c.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: []string{arn}, Include: []ecstypes.TaskField{ecstypes.TaskFieldTags}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Tasks) != 1 {
			t.Fatalf("DescribeTasks: %+v", out.Failures)
		}
		if aws.ToString(out.Tasks[0].LastStatus) == want {
			return out.Tasks[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("task stuck in %s, want %s", aws.ToString(out.Tasks[0].LastStatus), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func registerShell(t *testing.T, c *ecs.Client, family string, command []string, logGroup string) string {
	t.Helper()
	def := ecstypes.ContainerDefinition{
		Name: aws.String("main"), Image: aws.String("public.ecr.aws/docker/library/alpine:3"),
		EntryPoint: []string{"sh", "-c"}, Command: command, Essential: aws.Bool(true),
		Environment: []ecstypes.KeyValuePair{{Name: aws.String("GREETING"), Value: aws.String("hello")}},
		StopTimeout: aws.Int32(2),
	}
	if command == nil {
		def.EntryPoint = nil
	}
	if logGroup != "" {
		def.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": logGroup, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}}
	}
	out, err := c.RegisterTaskDefinition(t.Context(), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), ContainerDefinitions: []ecstypes.ContainerDefinition{def},
		NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// TestRunTaskRealExecution is acceptance line 4: the container's command
// really runs, its exit code and output come back through ECS and Logs.
func TestRunTaskRealExecution(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c, lc := ecs.NewFromConfig(cfg), cwl.NewFromConfig(cfg)
	ctx := t.Context()
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/calc")}); err != nil {
		t.Fatal(err)
	}
	td := registerShell(t, c, "calc", []string{"echo $((6*7)); echo $GREETING from $PWD >&2; exit 3"}, "/ecs/calc")
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("ci"), TaskDefinition: aws.String("calc"),
		LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: defaultNet(t, cfg),
		Tags: []ecstypes.Tag{{Key: aws.String("job"), Value: aws.String("42")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 1 || aws.ToString(run.Tasks[0].LastStatus) != "PROVISIONING" || aws.ToString(run.Tasks[0].TaskDefinitionArn) != td {
		t.Fatalf("RunTask answered %+v", run.Tasks)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	task := waitTask(t, c, "ci", arn, "STOPPED")
	if task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToString(task.StoppedReason) != "Essential container in task exited" {
		t.Errorf("stop = %s %q", task.StopCode, aws.ToString(task.StoppedReason))
	}
	if got := aws.ToInt32(task.Containers[0].ExitCode); got != 3 {
		t.Errorf("exitCode = %d, want 3", got)
	}
	for name, ts := range map[string]*time.Time{"createdAt": task.CreatedAt, "pullStartedAt": task.PullStartedAt,
		"startedAt": task.StartedAt, "stoppingAt": task.StoppingAt, "executionStoppedAt": task.ExecutionStoppedAt, "stoppedAt": task.StoppedAt} {
		if ts == nil {
			t.Errorf("%s not set", name)
		}
	}
	if len(task.Attachments) != 1 || aws.ToString(task.Attachments[0].Status) != "DELETED" {
		t.Fatalf("attachments = %+v", task.Attachments)
	}
	ip := aws.ToString(task.Containers[0].NetworkInterfaces[0].PrivateIpv4Address)
	if !strings.HasPrefix(ip, "172.31.") { // the default VPC's 172.31.0.0/16
		t.Errorf("private IP = %q", ip)
	}
	if len(task.Tags) != 1 || aws.ToString(task.Tags[0].Value) != "42" {
		t.Errorf("tags = %+v", task.Tags)
	}
	id := arn[len(arn)-32:]
	out, err := lc.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/ecs/calc"),
		LogStreamName: aws.String("ecs/main/" + id), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range out.Events {
		lines = append(lines, aws.ToString(e.Message))
	}
	if len(lines) != 2 || !slices.Contains(lines, "42") {
		t.Errorf("log lines = %q, want 42 and the greeting", lines)
	}
}

// TestTaskWithoutCommandRunsUntilStopped: nothing to run means the task
// stays RUNNING, as ECS keeps a task whose process never exits.
func TestTaskWithoutCommandRunsUntilStopped(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	registerShell(t, c, "idle", nil, "")
	registerShell(t, c, "sleeper", []string{"sleep 60"}, "")
	var arns []string
	for _, fam := range []string{"idle", "sleeper"} {
		run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String(fam), NetworkConfiguration: defaultNet(t, cfg),
			LaunchType: ecstypes.LaunchTypeFargate, StartedBy: aws.String("test")})
		if err != nil {
			t.Fatal(err)
		}
		arn := aws.ToString(run.Tasks[0].TaskArn)
		waitTask(t, c, "default", arn, "RUNNING")
		arns = append(arns, arn)
	}
	time.Sleep(200 * time.Millisecond)
	list, err := c.ListTasks(ctx, &ecs.ListTasksInput{StartedBy: aws.String("test")})
	if err != nil || len(list.TaskArns) != 2 {
		t.Fatalf("ListTasks running = %v, %v", list, err)
	}
	list, _ = c.ListTasks(ctx, &ecs.ListTasksInput{Family: aws.String("idle")})
	if d := cmp.Diff(arns[:1], list.TaskArns); d != "" {
		t.Errorf("family filter: %s", d)
	}
	for _, arn := range arns {
		st, err := c.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(arn), Reason: aws.String("done testing")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(st.Task.DesiredStatus) != "STOPPED" {
			t.Errorf("desiredStatus after StopTask = %s", aws.ToString(st.Task.DesiredStatus))
		}
	}
	sleeper := waitTask(t, c, "default", arns[1], "STOPPED")
	if sleeper.StopCode != ecstypes.TaskStopCodeUserInitiated || aws.ToString(sleeper.StoppedReason) != "done testing" ||
		aws.ToInt32(sleeper.Containers[0].ExitCode) != 143 {
		t.Errorf("stopped sleeper: %s %q exit %v", sleeper.StopCode, aws.ToString(sleeper.StoppedReason), sleeper.Containers[0].ExitCode)
	}
	waitTask(t, c, "default", arns[0], "STOPPED")
	list, _ = c.ListTasks(ctx, &ecs.ListTasksInput{DesiredStatus: ecstypes.DesiredStatusStopped})
	if len(list.TaskArns) != 2 {
		t.Errorf("stopped tasks = %v", list.TaskArns)
	}
}

func TestRunTaskFailures(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	_, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("x")})
	wantCode(t, err, "ClusterNotFoundException")
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	_, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("x")})
	wantCode(t, err, "ClientException")
	registerShell(t, c, "nolog", []string{"true"}, "/missing/group")
	_, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("nolog")})
	wantCode(t, err, "InvalidParameterException") // awsvpc needs a network configuration
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("nolog"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	task := waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if task.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || task.Containers[0].ExitCode != nil {
		t.Errorf("missing log group: %s %q", task.StopCode, aws.ToString(task.StoppedReason))
	}

	// A program that does not exist fails to start, as the runtime reports it.
	out, _ := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bad"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("m"), Image: aws.String("x"), Command: []string{"/no/such/program"}}}})
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: out.TaskDefinition.TaskDefinitionArn})
	if err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if task.StopCode != ecstypes.TaskStopCodeTaskFailedToStart {
		t.Errorf("missing program: %s %q", task.StopCode, aws.ToString(task.StoppedReason))
	}
	d, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{"0123456789abcdef0123456789abcdef"}})
	if err != nil || len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" {
		t.Errorf("unknown task: %v %+v", err, d)
	}
	_, err = c.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String("nope")})
	wantCode(t, err, "InvalidParameterException")
}

func TestTaskDefinitionsAndClusters(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	for range 3 {
		registerShell(t, c, "web", []string{"true"}, "")
	}
	d, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if err != nil || d.TaskDefinition.Revision != 3 || aws.ToString(d.TaskDefinition.ContainerDefinitions[0].Environment[0].Value) != "hello" {
		t.Fatalf("latest = %v %+v", err, d)
	}
	if _, err := c.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:3")}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if d.TaskDefinition.Revision != 2 {
		t.Errorf("latest active revision = %d, want 2", d.TaskDefinition.Revision)
	}
	list, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), Sort: ecstypes.SortOrderDesc})
	if err != nil || len(list.TaskDefinitionArns) != 2 || list.TaskDefinitionArns[0] != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2" {
		t.Errorf("list = %v %v", err, list)
	}
	_, err = c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("nope")})
	wantCode(t, err, "ClientException")
	_, err = c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("f"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions:    []ecstypes.ContainerDefinition{{Name: aws.String("m"), Image: aws.String("x")}}})
	wantCode(t, err, "ClientException") // Fargate needs awsvpc

	cl, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("tagged"),
		Tags: []ecstypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := cl.Cluster.ClusterArn
	c.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: arn, Tags: []ecstypes.Tag{{Key: aws.String("b"), Value: aws.String("2")}}})
	c.UntagResource(ctx, &ecs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a"}})
	tags, err := c.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "b" {
		t.Errorf("tags = %v %+v", err, tags)
	}
	dc, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"tagged", "missing"}})
	if err != nil || len(dc.Clusters) != 1 || len(dc.Failures) != 1 || aws.ToString(dc.Failures[0].Reason) != "MISSING" {
		t.Errorf("describe = %v %+v", err, dc)
	}
	lc, _ := c.ListClusters(ctx, &ecs.ListClustersInput{})
	if len(lc.ClusterArns) != 1 {
		t.Errorf("clusters = %v", lc.ClusterArns)
	}
	if _, err := c.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: aws.String("tagged")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: aws.String("tagged")})
	wantCode(t, err, "ClusterNotFoundException")
}

func TestTasksSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	sim, cfg, _ := start(t, Options{DataDir: dir})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	registerShell(t, c, "quick", []string{"exit 0"}, "")
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("quick"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sim.ecs.WaitStopped(wctx, arn); err != nil {
		t.Fatal(err)
	}
	_, cfg2, _ := start(t, Options{DataDir: dir})
	c2 := ecs.NewFromConfig(cfg2)
	task := waitTask(t, c2, "default", arn, "STOPPED")
	if aws.ToInt32(task.Containers[0].ExitCode) != 0 || task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited {
		t.Errorf("reloaded task: %+v", task)
	}
	d, err := c2.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("quick:1")})
	if err != nil || aws.ToString(d.TaskDefinition.Cpu) != "256" {
		t.Errorf("reloaded task definition: %v", err)
	}
}
