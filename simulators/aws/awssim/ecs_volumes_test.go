package awssim

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// agentTaskDef is the shape the Sockerless ECS backend registers: a
// non-essential container installs the agent into a task volume, the
// essential one waits for its SUCCESS and mounts the volume read-only
// and an EFS access point.
func agentTaskDef(image string, install, main []string, efsID, apID string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("agent"), NetworkMode: ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		Volumes: []ecstypes.Volume{
			{Name: aws.String("sockerless-agent")},
			{Name: aws.String("v0"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{FileSystemId: aws.String(efsID),
				TransitEncryption:   ecstypes.EFSTransitEncryptionEnabled,
				AuthorizationConfig: &ecstypes.EFSAuthorizationConfig{AccessPointId: aws.String(apID), Iam: ecstypes.EFSAuthorizationConfigIAMDisabled}}},
		},
		ContainerDefinitions: []ecstypes.ContainerDefinition{
			{Name: aws.String("sockerless-agent"), Image: aws.String(image), Essential: aws.Bool(false),
				EntryPoint: []string{"sh", "-c"}, Command: install,
				MountPoints: []ecstypes.MountPoint{{SourceVolume: aws.String("sockerless-agent"), ContainerPath: aws.String("/sockerless")}}},
			{Name: aws.String("main"), Image: aws.String(image), Essential: aws.Bool(true),
				EntryPoint: []string{"sh", "-c"}, Command: main, StopTimeout: aws.Int32(2),
				DependsOn: []ecstypes.ContainerDependency{{ContainerName: aws.String("sockerless-agent"), Condition: ecstypes.ContainerConditionSuccess}},
				MountPoints: []ecstypes.MountPoint{
					{SourceVolume: aws.String("sockerless-agent"), ContainerPath: aws.String("/sockerless"), ReadOnly: aws.Bool(true)},
					{SourceVolume: aws.String("v0"), ContainerPath: aws.String("/var/run/act")}}},
		},
	}
}

// TestTaskDefinitionVolumeChecks: RegisterTaskDefinition checks volumes,
// mountPoints and dependsOn as ECS does, and DescribeTaskDefinition gives
// them back as registered.
func TestTaskDefinitionVolumeChecks(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	tests := []struct {
		name     string
		edit     func(*ecs.RegisterTaskDefinitionInput)
		code     string // empty: registered
		contains string
	}{
		{"the backend's shape", func(*ecs.RegisterTaskDefinitionInput) {}, "", ""},
		{"unknown volume", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].MountPoints[1].SourceVolume = aws.String("v9")
		}, "ClientException", "Unknown volume 'v9'."},
		{"no container path", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].MountPoints[0].ContainerPath = nil
		}, "ClientException", "containerPath"},
		{"duplicate volume", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[1].Name, in.Volumes[1].EfsVolumeConfiguration = aws.String("sockerless-agent"), nil
		}, "ClientException", "Duplicate volume name"},
		{"two configuration types", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[1].Host = &ecstypes.HostVolumeProperties{}
		}, "ClientException", "only one volume configuration type"},
		{"host path on Fargate", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[0].Host = &ecstypes.HostVolumeProperties{SourcePath: aws.String("/srv")}
		}, "ClientException", "Fargate compatible task definitions do not support sourcePath"},
		{"access point without transit encryption", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[1].EfsVolumeConfiguration.TransitEncryption = ""
		}, "ClientException", "Transit encryption must be enabled"},
		{"IAM without transit encryption", func(in *ecs.RegisterTaskDefinitionInput) {
			e := in.Volumes[1].EfsVolumeConfiguration
			e.TransitEncryption, e.AuthorizationConfig = ecstypes.EFSTransitEncryptionDisabled,
				&ecstypes.EFSAuthorizationConfig{Iam: ecstypes.EFSAuthorizationConfigIAMEnabled}
		}, "ClientException", "Transit encryption must be enabled when IAM"},
		{"access point with a root directory", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[1].EfsVolumeConfiguration.RootDirectory = aws.String("/data")
		}, "ClientException", `root directory must either be set to "/"`},
		{"unknown dependency", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].DependsOn[0].ContainerName = aws.String("ghost")
		}, "ClientException", "Cannot depend on container + 'ghost' because it does not exist"},
		{"SUCCESS on an essential container", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Essential = aws.Bool(true)
		}, "ClientException", "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"},
		{"COMPLETE on an essential container", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Essential = nil // essential by default
			in.ContainerDefinitions[1].DependsOn[0].Condition = ecstypes.ContainerConditionComplete
		}, "ClientException", "SUCCESS or COMPLETE"},
		{"START on an essential container", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Essential = aws.Bool(true)
			in.ContainerDefinitions[1].DependsOn[0].Condition = ecstypes.ContainerConditionStart
		}, "", ""},
		{"unknown condition", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].DependsOn[0].Condition = "READY"
		}, "ClientException", "Invalid dependsOn condition: READY"},
		{"HEALTHY", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].DependsOn[0].Condition = ecstypes.ContainerConditionHealthy
		}, "InvalidParameterException", "not supported by sockerless-sim-aws"},
		{"cycle", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].DependsOn = []ecstypes.ContainerDependency{{ContainerName: aws.String("main"), Condition: ecstypes.ContainerConditionStart}}
		}, "ClientException", "sockerless-agent -> main -> sockerless-agent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := agentTaskDef("busybox", []string{"true"}, []string{"true"}, "fs-0123456789abcdef0", "fsap-0123456789abcdef0")
			tc.edit(in)
			out, err := c.RegisterTaskDefinition(ctx, in)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.contains) {
				t.Fatalf("got %v (%+v), want %s containing %q", err, out, tc.code, tc.contains)
			}
		})
	}

	// The members come back as they were given.
	in := agentTaskDef("busybox", []string{"true"}, []string{"true"}, "fs-0123456789abcdef0", "fsap-0123456789abcdef0")
	reg, err := c.RegisterTaskDefinition(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: reg.TaskDefinition.TaskDefinitionArn})
	if err != nil {
		t.Fatal(err)
	}
	opts := cmpopts.IgnoreUnexported(ecstypes.Volume{}, ecstypes.EFSVolumeConfiguration{}, ecstypes.EFSAuthorizationConfig{},
		ecstypes.MountPoint{}, ecstypes.ContainerDependency{})
	if diff := cmp.Diff(in.Volumes, d.TaskDefinition.Volumes, opts); diff != "" {
		t.Errorf("volumes (-registered +described):\n%s", diff)
	}
	for i, cd := range d.TaskDefinition.ContainerDefinitions {
		if diff := cmp.Diff(in.ContainerDefinitions[i].MountPoints, cd.MountPoints, opts); diff != "" {
			t.Errorf("%s mountPoints:\n%s", aws.ToString(cd.Name), diff)
		}
		if diff := cmp.Diff(in.ContainerDefinitions[i].DependsOn, cd.DependsOn, opts); diff != "" {
			t.Errorf("%s dependsOn:\n%s", aws.ToString(cd.Name), diff)
		}
	}

	// A host path takes FARGATE out of an EC2 task definition's
	// compatibilities, so RunTask refuses that launch type.
	ec2 := agentTaskDef("busybox", []string{"true"}, []string{"true"}, "fs-0123456789abcdef0", "fsap-0123456789abcdef0")
	ec2.Family, ec2.RequiresCompatibilities = aws.String("onhost"), nil
	ec2.Volumes[0].Host = &ecstypes.HostVolumeProperties{SourcePath: aws.String(t.TempDir())}
	reg, err = c.RegisterTaskDefinition(ctx, ec2)
	if err != nil {
		t.Fatal(err)
	}
	if got := reg.TaskDefinition.Compatibilities; len(got) != 1 || got[0] != ecstypes.CompatibilityEc2 {
		t.Errorf("compatibilities %v", got)
	}
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	_, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("onhost"), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: defaultNet(t, cfg)})
	wantCode(t, err, "InvalidParameterException")
}

// TestDependsOnProcessRuntime: a container starts only when its
// dependencies meet their conditions; a SUCCESS dependency that fails
// keeps its dependent from ever starting, as ECS's agent reports it.
func TestDependsOnProcessRuntime(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	dir := t.TempDir()
	register := func(family, initCmd string) {
		t.Helper()
		env := []ecstypes.KeyValuePair{{Name: aws.String("DIR"), Value: aws.String(dir)}}
		_, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
			ContainerDefinitions: []ecstypes.ContainerDefinition{
				{Name: aws.String("main"), Image: aws.String("x"), EntryPoint: []string{"sh", "-c"}, Environment: env,
					Command: []string{`cat "$DIR/init" "$DIR/side" > "$DIR/main"`}, StopTimeout: aws.Int32(2),
					DependsOn: []ecstypes.ContainerDependency{
						{ContainerName: aws.String("init"), Condition: ecstypes.ContainerConditionSuccess},
						{ContainerName: aws.String("side"), Condition: ecstypes.ContainerConditionComplete}}},
				{Name: aws.String("init"), Image: aws.String("x"), Essential: aws.Bool(false), EntryPoint: []string{"sh", "-c"},
					Environment: env, Command: []string{initCmd}},
				{Name: aws.String("side"), Image: aws.String("x"), Essential: aws.Bool(false), EntryPoint: []string{"sh", "-c"},
					Environment: env, Command: []string{`sleep 0.2; echo side > "$DIR/side"; exit 5`},
					DependsOn: []ecstypes.ContainerDependency{{ContainerName: aws.String("init"), Condition: ecstypes.ContainerConditionStart}}},
			}})
		if err != nil {
			t.Fatal(err)
		}
	}
	register("ordered", `sleep 0.2; echo init > "$DIR/init"`)
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("ordered")})
	if err != nil {
		t.Fatal(err)
	}
	task := waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	b, err := os.ReadFile(filepath.Join(dir, "main"))
	if err != nil || string(b) != "init\nside\n" {
		t.Fatalf("main ran before its dependencies were met: %q %v (stoppedReason %q)", b, err, aws.ToString(task.StoppedReason))
	}
	if task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited {
		t.Errorf("stop code %s", task.StopCode)
	}

	os.Remove(filepath.Join(dir, "main"))
	register("failing", `exit 1`)
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("failing")})
	if err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if _, err := os.Stat(filepath.Join(dir, "main")); err == nil {
		t.Error("main started although its SUCCESS dependency exited 1")
	}
	main := task.Containers[0]
	if task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToString(task.StoppedReason) != "Essential container in task exited" ||
		aws.ToInt32(main.ExitCode) != 143 ||
		!strings.HasPrefix(aws.ToString(main.Reason), "CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [init(x) (STOPPED->RUNNING) - Exit: 1] for target [main(x) (NONE->RUNNING)] as dependency did not exit successfully.") {
		t.Errorf("failed dependency: stop code %s, reason %q, main exit %v reason %q", task.StopCode,
			aws.ToString(task.StoppedReason), main.ExitCode, aws.ToString(main.Reason))
	}
	if code := aws.ToInt32(task.Containers[1].ExitCode); code != 1 {
		t.Errorf("init exit code %d", code)
	}
}

// TestMountPointsNeedDockerRuntime: the process runtime cannot mount
// volumes, so a task whose containers have mountPoints fails to start
// (rather than run without them).
func TestMountPointsNeedDockerRuntime(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	in := agentTaskDef("busybox", []string{"true"}, []string{"true"}, "fs-0123456789abcdef0", "fsap-0123456789abcdef0")
	if _, err := c.RegisterTaskDefinition(ctx, in); err != nil {
		t.Fatal(err)
	}
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("agent"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	task := waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	reason := aws.ToString(task.StoppedReason)
	if task.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || !strings.HasPrefix(reason, "CannotStartContainerError: ") ||
		!strings.Contains(reason, "--runtime docker") || task.Containers[0].ExitCode != nil {
		t.Errorf("stop code %s, reason %q", task.StopCode, reason)
	}
}
