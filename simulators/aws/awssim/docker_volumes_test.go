package awssim

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
)

// testVolumesDocker runs the Sockerless ECS backend's task shape with
// --runtime docker: the non-essential container writes into the task's
// volume and exits 0, then the essential one (dependsOn SUCCESS) reads
// it through a read-only mount and writes into an EFS access point,
// whose data a second task sees. A failing SUCCESS dependency keeps its
// dependent from starting; a missing access point fails the task as ECS
// does; the task volumes are removed with their tasks.
func testVolumesDocker(t *testing.T, sim *Server, cfg aws.Config, host string) {
	c, fc := ecs.NewFromConfig(cfg), efs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	fs, err := fc.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("act")})
	if err != nil {
		t.Fatal(err)
	}
	ap, err := fc.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId, ClientToken: aws.String("act"),
		RootDirectory: &efstypes.RootDirectory{Path: aws.String("/jobs/1"), CreationInfo: &efstypes.CreationInfo{
			OwnerUid: aws.Int64(1000), OwnerGid: aws.Int64(1001), Permissions: aws.String("0775")}}})
	if err != nil {
		t.Fatal(err)
	}
	fsID, apID := aws.ToString(fs.FileSystemId), aws.ToString(ap.AccessPointId)
	run := func(td *ecs.RegisterTaskDefinitionInput) ecstypes.Task {
		t.Helper()
		reg, err := c.RegisterTaskDefinition(ctx, td)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: reg.TaskDefinition.TaskDefinitionArn,
			LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: defaultNet(t, cfg)})
		if err != nil {
			t.Fatal(err)
		}
		return waitTask(t, c, "default", aws.ToString(out.Tasks[0].TaskArn), "STOPPED")
	}

	task := run(agentTaskDef("busybox:sim", []string{"echo agent > /sockerless/sockerless-agent"},
		[]string{"cat /sockerless/sockerless-agent > /var/run/act/seen && ! (echo x > /sockerless/x) 2>/dev/null"}, fsID, apID))
	if task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToInt32(task.Containers[1].ExitCode) != 0 ||
		task.Containers[1].ExitCode == nil || aws.ToInt32(task.Containers[0].ExitCode) != 0 {
		t.Fatalf("agent task: stop code %s %q, containers %+v", task.StopCode, aws.ToString(task.StoppedReason), task.Containers)
	}
	// The access point's root directory was made with its CreationInfo.
	dir, err := sim.efs.AccessPointDir("us-east-1", fsID, apID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o775 ||
		st.Sys().(*syscall.Stat_t).Uid != 1000 || st.Sys().(*syscall.Stat_t).Gid != 1001 {
		t.Errorf("access point root %s: %v %v", dir, st.Mode(), err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "seen")); err != nil || string(b) != "agent\n" {
		t.Errorf("file written through the access point: %q %v", b, err)
	}

	// A second task mounting the same access point sees the file.
	reader := agentTaskDef("busybox:sim", []string{"true"},
		[]string{`case "$(cat /var/run/act/seen)" in agent) exit 0;; *) exit 7;; esac`}, fsID, apID)
	reader.Family = aws.String("reader")
	task = run(reader)
	if task.Containers[1].ExitCode == nil || aws.ToInt32(task.Containers[1].ExitCode) != 0 {
		t.Errorf("second task: exit %v, reason %q", task.Containers[1].ExitCode, aws.ToString(task.StoppedReason))
	}

	// A SUCCESS dependency that exits 1: the dependent never starts.
	failing := agentTaskDef("busybox:sim", []string{"exit 1"}, []string{"echo started > /var/run/act/started"}, fsID, apID)
	failing.Family = aws.String("failing")
	task = run(failing)
	main := task.Containers[1]
	if task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToInt32(main.ExitCode) != 143 ||
		aws.ToString(main.RuntimeId) != "" ||
		!strings.Contains(aws.ToString(main.Reason), "as dependency did not exit successfully.") {
		t.Errorf("failed dependency: stop code %s %q, main %+v", task.StopCode, aws.ToString(task.StoppedReason), main)
	}
	if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
		t.Error("the dependent container ran")
	}

	// An access point that does not exist, or one without CreationInfo
	// whose root is missing: EFS cannot be mounted.
	bare, err := fc.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: fs.FileSystemId, ClientToken: aws.String("bare"),
		RootDirectory: &efstypes.RootDirectory{Path: aws.String("/nowhere")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ap := range []string{"fsap-00000000000000000", aws.ToString(bare.AccessPointId)} {
		td := agentTaskDef("busybox:sim", []string{"true"}, []string{"true"}, fsID, ap)
		td.Family = aws.String("noefs")
		task = run(td)
		if reason := aws.ToString(task.StoppedReason); task.StopCode != ecstypes.TaskStopCodeTaskFailedToStart ||
			!strings.HasPrefix(reason, "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: ") {
			t.Errorf("access point %s: stop code %s, reason %q", ap, task.StopCode, reason)
		} else {
			t.Logf("access point %s: %s", ap, reason)
		}
	}

	// Every task volume went with its task.
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("label", dockerrt.Label)})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("volumes left: %+v", list.Items)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
