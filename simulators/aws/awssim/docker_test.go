package awssim

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
)

// startDockerd starts a dockerd of the test's own (no bridge, no
// iptables, its own data root) and returns its host. It needs root and
// the docker.io package; without them the test fails: CI installs both.
func startDockerd(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a dockerd")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the docker runtime test starts its own dockerd and must run as root")
	}
	if _, err := exec.LookPath("dockerd"); err != nil {
		t.Fatal("dockerd is not installed (apt-get install docker.io): ", err)
	}
	root := t.TempDir()
	run, err := os.MkdirTemp("", "simdd-") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(run, "docker.sock")
	var log bytes.Buffer
	cmd := exec.Command("dockerd", "--data-root", filepath.Join(root, "data"), "--exec-root", filepath.Join(run, "exec"),
		"--pidfile", filepath.Join(run, "pid"), "-H", "unix://"+sock, "--iptables=false", "--bridge=none")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		// dockerd leaves its default network namespace mounted.
		_ = syscall.Unmount(filepath.Join(run, "exec", "netns", "default"), syscall.MNT_DETACH)
		os.RemoveAll(run)
	})
	host := "unix://" + sock
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		_, err := cli.Ping(ctx, client.PingOptions{})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd does not answer: %v\n%s", err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	importBusybox(t, cli, "busybox:sim")
	return host
}

// importBusybox imports a root file system of the static busybox as ref.
func importBusybox(t *testing.T, cli *client.Client, ref string) {
	t.Helper()
	bin, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatal("busybox-static is not installed (apt-get install busybox-static): ", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"bin/", "tmp/", "root/"} {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755})
	}
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: int64(len(bin))})
	tw.Write(bin)
	for _, a := range []string{"sh", "echo", "sleep", "cat"} {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777})
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := cli.ImageImport(t.Context(), client.ImageImportSource{Source: &buf, SourceName: "-"}, ref,
		client.ImageImportOptions{Changes: []string{`CMD ["sh"]`, `ENV PATH=/bin`}})
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
}

// TestDockerRuntime runs ECS tasks and a Lambda function with --runtime
// docker against a dockerd of its own.
func TestDockerRuntime(t *testing.T) {
	host := startDockerd(t)
	// With signatures checked, the registry wants ECR's passwords.
	sim, cfg, _ := start(t, Options{Runtime: "docker", DockerHost: host, StrictAuth: true,
		Credentials: map[string]string{TestAccessKey: TestSecretKey}})
	t.Run("ecs", func(t *testing.T) { testECSDocker(t, cfg, host) })
	t.Run("volumes", func(t *testing.T) { testVolumesDocker(t, sim, cfg, host) })
	t.Run("lambda", func(t *testing.T) { testLambdaDocker(t, cfg) })
	t.Run("restart", func(t *testing.T) { testRestartDocker(t, host) })
}

// testRestartDocker: a simulator started on the state of one that died
// under a running task removes the task's containers and volumes. The first
// simulator is left running, as a crashed one leaves its containers.
func testRestartDocker(t *testing.T, host string) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{Runtime: "docker", DockerHost: host, DataDir: dir})
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	// The agent's task shape, with the task volume only.
	td := agentTaskDef("busybox:sim", []string{"true"}, []string{"sleep 600"}, "", "")
	td.Family, td.Volumes = aws.String("idle"), td.Volumes[:1]
	td.ContainerDefinitions[1].MountPoints = td.ContainerDefinitions[1].MountPoints[:1]
	if _, err := c.RegisterTaskDefinition(ctx, td); err != nil {
		t.Fatal(err)
	}
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("idle"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	id := aws.ToString(waitTask(t, c, "default", arn, "RUNNING").Containers[1].RuntimeId)
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	byTask := client.VolumeListOptions{Filters: make(client.Filters).Add("label", dockerrt.Label+"="+arn)}
	if vols, err := cli.VolumeList(ctx, byTask); err != nil || len(vols.Items) != 1 {
		t.Fatalf("volumes of the running task: %v %+v", err, vols.Items)
	}

	_, cfg2, _ := start(t, Options{Runtime: "docker", DockerHost: host, DataDir: dir})
	task := waitTask(t, ecs.NewFromConfig(cfg2), "default", arn, "STOPPED")
	if task.StopCode != ecstypes.TaskStopCodeTerminationNotice {
		t.Errorf("stop code %s", task.StopCode)
	}
	if _, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("container %s of the stopped task is still there", id)
	}
	vols, err := cli.VolumeList(ctx, byTask)
	if err != nil || len(vols.Items) != 0 {
		t.Errorf("volumes of the stopped task: %v %+v", err, vols.Items)
	}
}

// testECSDocker is acceptance line 4 with --runtime docker: the task's
// container runs from its image in a real dockerd, its exit code and
// output come back through ECS and Logs, and the container is removed;
// StopTask stops a running one; an image of the simulator's ECR is
// pulled from it.
func testECSDocker(t *testing.T, cfg aws.Config, host string) {
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	c, lc := ecs.NewFromConfig(cfg), cwl.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateCluster(ctx, &ecs.CreateClusterInput{})
	if _, err := lc.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/docker")}); err != nil {
		t.Fatal(err)
	}
	registerImage(t, c, "calc", "busybox:sim", []string{"echo $((6*7)); exit 3"}, "/ecs/docker")
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("calc"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	task := waitTask(t, c, "default", arn, "STOPPED")
	if code := aws.ToInt32(task.Containers[0].ExitCode); code != 3 || task.Containers[0].ExitCode == nil {
		t.Errorf("exit code %v, stoppedReason %q", task.Containers[0].ExitCode, aws.ToString(task.StoppedReason))
	}
	ev, err := lc.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/ecs/docker"),
		LogStreamName: aws.String("ecs/main/" + arn[strings.LastIndex(arn, "/")+1:]), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Events) == 0 || aws.ToString(ev.Events[0].Message) != "42" {
		t.Errorf("log events %+v", ev.Events)
	}

	registerImage(t, c, "idle", "busybox:sim", []string{"sleep 600"}, "", func(d *ecstypes.ContainerDefinition) {
		d.Memory, d.Cpu = aws.Int32(64), 128
	})
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("idle"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	arn = aws.ToString(run.Tasks[0].TaskArn)
	task = waitTask(t, c, "default", arn, "RUNNING")
	in, err := cli.ContainerInspect(ctx, aws.ToString(task.Containers[0].RuntimeId), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if hc := in.Container.HostConfig; hc.Memory != 64<<20 || hc.CPUShares != 128 || string(hc.NetworkMode) != "host" {
		t.Errorf("host config: memory %d, cpu shares %d, network %s", hc.Memory, hc.CPUShares, hc.NetworkMode)
	}
	if _, err := c.StopTask(ctx, &ecs.StopTaskInput{Task: &arn}); err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", arn, "STOPPED")
	if code := aws.ToInt32(task.Containers[0].ExitCode); code != 143 && code != 137 {
		t.Errorf("stopped container's exit code %d", code)
	}

	// An image of the simulator's own ECR, which the dockerd lacks, is
	// pulled from its /v2/ registry.
	ref := pushToECR(t, cli, cfg, "calc", "busybox:sim")
	registerImage(t, c, "fromecr", ref, []string{"echo $((6*7)); exit 3"}, "")
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("fromecr"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if code := aws.ToInt32(task.Containers[0].ExitCode); code != 3 {
		t.Errorf("ECR image: exit code %d, stoppedReason %q", code, aws.ToString(task.StoppedReason))
	}
	if _, err := cli.ImageInspect(ctx, ref); err != nil {
		t.Errorf("the ECR image was not pulled: %v", err)
	}

	// An image nobody has: the task fails to start, in ECS's words.
	registerImage(t, c, "missing", strings.Split(ref, "/")[0]+"/nope:1", []string{"true"}, "")
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("missing"), NetworkConfiguration: defaultNet(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	task = waitTask(t, c, "default", aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if task.StopCode != "TaskFailedToStart" || !strings.HasPrefix(aws.ToString(task.StoppedReason), "CannotPullContainerError: ") ||
		!strings.HasPrefix(aws.ToString(task.Containers[0].Reason), "CannotPullContainerError: ") {
		t.Errorf("missing image: stopCode %s, reason %q, container reason %q", task.StopCode,
			aws.ToString(task.StoppedReason), aws.ToString(task.Containers[0].Reason))
	}
	t.Logf("missing image: %s", aws.ToString(task.StoppedReason))

	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true,
			Filters: make(client.Filters).Add("label", dockerrt.Label)})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("containers left: %+v", list.Items)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// registerImage registers family as registerShell does, with image and
// the changes of edit.
func registerImage(t *testing.T, c *ecs.Client, family, image string, command []string, logGroup string, edit ...func(*ecstypes.ContainerDefinition)) {
	t.Helper()
	registerShell(t, c, family, command, logGroup)
	d, err := c.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
	if err != nil {
		t.Fatal(err)
	}
	td := d.TaskDefinition
	td.ContainerDefinitions[0].Image = aws.String(image)
	for _, e := range edit {
		e(&td.ContainerDefinitions[0])
	}
	if _, err := c.RegisterTaskDefinition(t.Context(), &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
		ContainerDefinitions: td.ContainerDefinitions, NetworkMode: td.NetworkMode,
		RequiresCompatibilities: td.RequiresCompatibilities, Cpu: td.Cpu, Memory: td.Memory}); err != nil {
		t.Fatal(err)
	}
}

// pushToECR pushes local (an image of the dockerd) to a new ECR
// repository, as `docker push` after `docker login` does, removes the
// dockerd's copy, and returns the image's reference.
func pushToECR(t *testing.T, cli *client.Client, cfg aws.Config, repo, local string) string {
	t.Helper()
	ctx := t.Context()
	ec := ecr.NewFromConfig(cfg)
	r, err := ec.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repo)})
	if err != nil {
		t.Fatal(err)
	}
	ref := aws.ToString(r.Repository.RepositoryUri) + ":1"
	if _, err := cli.ImageTag(ctx, client.ImageTagOptions{Source: local, Target: ref}); err != nil {
		t.Fatal(err)
	}
	basic := login(t, ec).(*authn.Basic)
	auth, _ := json.Marshal(map[string]string{"username": basic.Username, "password": basic.Password})
	push, err := cli.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: base64.URLEncoding.EncodeToString(auth)})
	if err != nil {
		t.Fatal(err)
	}
	err = push.Wait(ctx)
	push.Close()
	if err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	if _, err := cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	return ref
}

// testLambdaDocker: an Image function runs from its image, with the
// event on its standard input, its result on its standard output and its
// standard error in the logs; the timeout stops it.
func testLambdaDocker(t *testing.T, cfg aws.Config) {
	c := lambda.NewFromConfig(cfg)
	ctx := t.Context()
	role := "arn:aws:iam::123456789012:role/lambda"
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("calc"), Role: aws.String(role), PackageType: lambdatypes.PackageTypeImage,
		Code: &lambdatypes.FunctionCode{ImageUri: aws.String("busybox:sim")},
		ImageConfig: &lambdatypes.ImageConfig{EntryPoint: []string{"sh", "-c"},
			Command: []string{`read ev; echo "handling $ev" >&2; echo "{\"answer\": $((6*7)), \"from\": \"$AWS_LAMBDA_FUNCTION_NAME\"}"`}},
		Timeout: aws.Int32(2),
	}); err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc"), Payload: []byte(`{"n":1}`), LogType: lambdatypes.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Payload) != `{"answer": 42, "from": "calc"}`+"\n" || out.FunctionError != nil {
		t.Errorf("payload %q error %v", out.Payload, aws.ToString(out.FunctionError))
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if !strings.Contains(string(tail), `handling {"n":1}`) {
		t.Errorf("log tail:\n%s", tail)
	}
	c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("calc"),
		ImageConfig: &lambdatypes.ImageConfig{EntryPoint: []string{"sh", "-c"}, Command: []string{"sleep 30"}}})
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc")})
	if err != nil || !strings.Contains(string(out.Payload), "Sandbox.Timedout") {
		t.Errorf("timeout: %v %s", err, out.Payload)
	}
}
