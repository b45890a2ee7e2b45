package ecsdriver

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/api/driver"
)

func testDriver() *Driver {
	d := &Driver{tokens: []byte("0123456789abcdef0123456789abcdef")}
	d.cfg.FromEnv(func(string) string { return "" })
	d.cfg.ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
	return d
}

func TestTaskDefinition(t *testing.T) {
	d := testDriver()
	spec := driver.Spec{ID: "c0ffee", Name: "web", Image: "sha256:abc", ImageRef: "busybox:1", Path: "sh", Args: []string{"-c", "echo hi"},
		Env: []string{"PATH=/bin", "A=b=c"}, WorkingDir: "/srv", User: "1000", TTY: true, StopSignal: syscall.SIGTERM}
	in, err := d.taskDefinition(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.Family) != "sockerless-c0ffee" || aws.ToString(in.Cpu) != "256" || aws.ToString(in.Memory) != "512" ||
		in.NetworkMode != types.NetworkModeAwsvpc {
		t.Errorf("task definition: family %s cpu %s memory %s mode %s", aws.ToString(in.Family), aws.ToString(in.Cpu), aws.ToString(in.Memory), in.NetworkMode)
	}
	c := in.ContainerDefinitions[0]
	want := []string{"sockerless-agent", "--listen", ":${SOCKERLESS_SIM_PORT_9111:-9111}", "--linger", "5s", "--log-level", "error", "--tty", "--", "sh", "-c", "echo hi"}
	if d := cmp.Diff(want, c.EntryPoint); d != "" {
		t.Errorf("entry point (-want +got):\n%s", d)
	}
	env := map[string]string{}
	for _, kv := range c.Environment {
		env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if env["A"] != "b=c" || env["SOCKERLESS_CONTAINER_ID"] != "c0ffee" || env["SOCKERLESS_AGENT_TOKEN"] != d.tokens.Token("c0ffee") {
		t.Errorf("environment %v", env)
	}
	if aws.ToString(c.WorkingDirectory) != "/srv" || aws.ToString(c.User) != "1000" || *c.PortMappings[0].ContainerPort != 9111 {
		t.Errorf("container definition %+v", c)
	}
	if c.LogConfiguration.Options["awslogs-stream-prefix"] != "c0ffee" {
		t.Errorf("log options %v", c.LogConfiguration.Options)
	}
	if got := logStream("c0ffee", placement{arn: "arn:aws:ecs:us-east-1:1:task/sockerless/abc123", container: mainContainer}); got != "c0ffee/main/abc123" {
		t.Errorf("log stream %s", got)
	}
	if got := logStream("beef", placement{arn: "arn:aws:ecs:us-east-1:1:task/sockerless/abc123", container: memberContainer("beef")}); got != "beef/c-beef/abc123" {
		t.Errorf("pod member's log stream %s", got)
	}
	if aws.ToString(c.Image) != "busybox:1" {
		t.Errorf("image %s, want the reference given", aws.ToString(c.Image))
	}
	// An image known only by its ID cannot be pulled by a task.
	noRef := spec
	noRef.ImageRef = ""
	if _, err := d.taskDefinition(t.Context(), noRef); err == nil || !strings.Contains(err.Error(), "has no name the ecs backend can run") {
		t.Errorf("image without a reference: %v", err)
	}
	for ref, want := range map[string]bool{"sha256:abc": true, "ab": true, "abd": false, "busybox": false, "": false} {
		if got := byID("sha256:abc", ref); got != want {
			t.Errorf("byID(sha256:abc, %q) = %v", ref, got)
		}
	}
	// The user's reference and limits reach the task.
	spec.ImageRef, spec.NanoCPUs, spec.Memory = "123.dkr.ecr.us-east-1.amazonaws.com/app:1", 2e9, 3<<30
	in, _ = d.taskDefinition(t.Context(), spec)
	if img := aws.ToString(in.ContainerDefinitions[0].Image); img != spec.ImageRef || aws.ToString(in.Cpu) != "2048" || aws.ToString(in.Memory) != "4096" {
		t.Errorf("with limits: image %s cpu %s memory %s", img, aws.ToString(in.Cpu), aws.ToString(in.Memory))
	}
}

// With an agent image, an init container delivers the agent into a task
// volume the workload runs it from; binds and tmpfs are refused.
func TestTaskDefinitionAgentImageAndMounts(t *testing.T) {
	d := testDriver()
	d.cfg.AgentImage = "public.ecr.aws/sockerless/agent:1"
	spec := driver.Spec{ID: "c0ffee", Image: "sha256:abc", ImageRef: "busybox", Path: "true"}
	in, err := d.taskDefinition(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.ContainerDefinitions) != 2 || len(in.Volumes) != 1 || aws.ToString(in.Volumes[0].Name) != agentVolume {
		t.Fatalf("containers %d volumes %+v", len(in.ContainerDefinitions), in.Volumes)
	}
	main, init := in.ContainerDefinitions[0], in.ContainerDefinitions[1]
	if main.EntryPoint[0] != "/sockerless/sockerless-agent" || len(main.DependsOn) != 1 ||
		aws.ToString(main.DependsOn[0].ContainerName) != agentContainer || main.DependsOn[0].Condition != types.ContainerConditionSuccess {
		t.Errorf("main: entry point %v depends on %+v", main.EntryPoint, main.DependsOn)
	}
	if len(main.MountPoints) != 1 || !aws.ToBool(main.MountPoints[0].ReadOnly) || aws.ToString(main.MountPoints[0].ContainerPath) != agentDir {
		t.Errorf("main mount points %+v", main.MountPoints)
	}
	if aws.ToString(init.Image) != d.cfg.AgentImage || aws.ToBool(init.Essential) ||
		!cmp.Equal(init.Command, []string{"install", agentDir}) || aws.ToString(init.MountPoints[0].ContainerPath) != agentDir {
		t.Errorf("init container %+v", init)
	}
	for _, tc := range []struct {
		m    driver.Mount
		want string
	}{
		{driver.Mount{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock"}, "bind mounts are not supported by the ecs backend"},
		{driver.Mount{Type: "tmpfs", Destination: "/run"}, "tmpfs mounts are not supported by the ecs backend"},
		{driver.Mount{Type: "volume", Volume: "v", Destination: "/sockerless"}, "where the agent is delivered"},
	} {
		spec.Mounts = []driver.Mount{tc.m}
		if _, err := d.taskDefinition(t.Context(), spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("mount %+v: %v, want %q", tc.m, err, tc.want)
		}
	}
}

func TestTaskDefinitionHostname(t *testing.T) {
	d := testDriver()
	spec := driver.Spec{ID: "0123456789abcdef", Hostname: "0123456789ab", Image: "sha256:abc", ImageRef: "busybox", Path: "true"}
	if _, err := d.taskDefinition(t.Context(), spec); err != nil {
		t.Errorf("docker's default hostname: %v", err)
	}
	spec.Hostname = "ci-box"
	if _, err := d.taskDefinition(t.Context(), spec); err == nil || !strings.Contains(err.Error(), "--hostname is not supported by the ecs backend") {
		t.Errorf("--hostname ci-box: %v", err)
	}
}

func TestExitStatus(t *testing.T) {
	stopped := time.Unix(1700000000, 0)
	tests := []struct {
		name     string
		task     types.Task
		wantCode int
		wantErr  string
	}{
		{"exit code", types.Task{StoppedAt: &stopped, Containers: []types.Container{{Name: aws.String("main"), ExitCode: aws.Int32(3)}}}, 3, ""},
		{"agent missing", types.Task{StoppedReason: aws.String("CannotStartContainerError: exec: \"sockerless-agent\": executable file not found in $PATH"),
			Containers: []types.Container{{Name: aws.String("main")}}}, 127, "executable file not found"},
		{"container reason", types.Task{Containers: []types.Container{{Name: aws.String("main"), Reason: aws.String("OutOfMemoryError")}}}, 128, "OutOfMemoryError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := exitStatus(tc.task, mainContainer)
			if st.Code != tc.wantCode || !strings.Contains(st.Error, tc.wantErr) {
				t.Errorf("exitStatus = %+v, want code %d error ~%q", st, tc.wantCode, tc.wantErr)
			}
		})
	}
}

func TestAgentAddr(t *testing.T) {
	d := testDriver()
	tests := []struct {
		name string
		c    types.Container
		want string
	}{
		{"simulator binding", types.Container{Name: aws.String("main"), NetworkBindings: []types.NetworkBinding{
			{BindIP: aws.String("127.0.0.1"), ContainerPort: aws.Int32(9111), HostPort: aws.Int32(40001)}}}, "127.0.0.1:40001"},
		{"any address", types.Container{Name: aws.String("main"), NetworkBindings: []types.NetworkBinding{
			{BindIP: aws.String("0.0.0.0"), ContainerPort: aws.Int32(9111), HostPort: aws.Int32(40002)}}}, "127.0.0.1:40002"},
		{"awsvpc private IP", types.Container{Name: aws.String("main"), NetworkInterfaces: []types.NetworkInterface{
			{PrivateIpv4Address: aws.String("10.0.1.7")}}}, "10.0.1.7:9111"},
		{"not attached yet", types.Container{Name: aws.String("main")}, ""},
		{"pod member binding", types.Container{Name: aws.String("c-beef"), NetworkBindings: []types.NetworkBinding{
			{BindIP: aws.String("127.0.0.1"), ContainerPort: aws.Int32(9111), HostPort: aws.Int32(40001)},
			{BindIP: aws.String("127.0.0.1"), ContainerPort: aws.Int32(9112), HostPort: aws.Int32(40003)}}}, "127.0.0.1:40003"},
		{"pod member private IP", types.Container{Name: aws.String("c-beef"), NetworkInterfaces: []types.NetworkInterface{
			{PrivateIpv4Address: aws.String("10.0.1.7")}}}, "10.0.1.7:9112"},
	}
	for _, tc := range tests {
		at := placement{container: mainContainer, port: d.cfg.AgentPort}
		if name := aws.ToString(tc.c.Name); name != mainContainer {
			at = placement{container: name, port: d.cfg.AgentPort + 1}
		}
		if got := agentAddr(types.Task{Containers: []types.Container{tc.c}}, at); got != tc.want {
			t.Errorf("%s: agentAddr = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{EnvSubnets: "subnet-a, subnet-b", EnvCluster: "ci", EnvPoll: "20ms", "AWS_REGION": "eu-west-1"}
	var c Config
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Cluster != "ci" || c.Region != "eu-west-1" || c.Poll != 20*time.Millisecond || len(c.Subnets) != 2 || c.Subnets[1] != "subnet-b" ||
		c.LogGroup != "/sockerless/ecs" || c.AgentPort != 9111 {
		t.Errorf("config %+v", c)
	}
	env[EnvPoll] = "soon"
	if err := (&Config{}).FromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("a bad poll interval was accepted")
	}
}

func TestWithListen(t *testing.T) {
	ep := []string{"/sockerless/sockerless-agent", "--listen", listenArg(9111), "--linger", "5s", "--", "sh", "-c", "--listen"}
	got := withListen(ep, 9113)
	if got[2] != ":${SOCKERLESS_SIM_PORT_9113:-9113}" || got[8] != "--listen" || ep[2] != ":${SOCKERLESS_SIM_PORT_9111:-9111}" {
		t.Errorf("withListen = %q (input now %q)", got, ep)
	}
}

// A pod member's container that stopped before its task reports its own
// exit code and start failure.
func TestMemberStatus(t *testing.T) {
	tk := types.Task{LastStatus: aws.String("RUNNING"), Containers: []types.Container{
		{Name: aws.String("main"), LastStatus: aws.String("RUNNING")},
		{Name: aws.String("c-beef"), LastStatus: aws.String("STOPPED"), ExitCode: aws.Int32(4)},
		{Name: aws.String("c-cafe"), LastStatus: aws.String("STOPPED"), Reason: aws.String("CannotPullContainerError: nope")},
	}}
	if st := exitStatus(tk, "c-beef"); st.Code != 4 || st.FinishedAt.IsZero() {
		t.Errorf("member exit %+v", st)
	}
	if _, failed := startFailure(tk, "c-beef"); failed {
		t.Error("a member that ran reported as never started")
	}
	if reason, failed := startFailure(tk, "c-cafe"); !failed || !strings.Contains(reason, "CannotPull") {
		t.Errorf("member start failure %q %v", reason, failed)
	}
	if _, failed := startFailure(tk, mainContainer); failed {
		t.Error("the running root reported as failed")
	}
}
