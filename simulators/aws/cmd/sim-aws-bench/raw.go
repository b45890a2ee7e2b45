package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/sockerless/sockerless/simulators/aws/awssim"
)

// rawClient sends JSON 1.1 requests signed with the SDK's SigV4 signer
// without the SDK's deserializers: moto's ECS answers container cpu as a
// number where AWS sends a string, which the Go SDK refuses to decode, so
// the side-by-side run measures both servers this way.
type rawClient struct {
	endpoint string
	http     *http.Client
	signer   *v4.Signer
}

func (c *rawClient) call(ctx context.Context, service, target string, in any, out any) error {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, "POST", c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: awssim.TestAccessKey, SecretAccessKey: awssim.TestSecretKey}
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", target, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// rawBench sets up a task and log streams and measures with rawClient.
type rawBench struct {
	c    *rawClient
	task string
}

const (
	ecsTarget  = "AmazonEC2ContainerServiceV20141113."
	logsTarget = "Logs_20140328."
)

func newRawBench(ctx context.Context, endpoint string, clients int) (*rawBench, error) {
	c := &rawClient{endpoint: endpoint, signer: v4.NewSigner(),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}}
	b := &rawBench{c: c}
	steps := []struct {
		svc, target string
		in          any
	}{
		{"ecs", ecsTarget + "CreateCluster", map[string]any{}},
		{"ecs", ecsTarget + "RegisterTaskDefinition", map[string]any{"family": "rawbench", "cpu": "256", "memory": "512",
			"containerDefinitions": []any{map[string]any{"name": "main", "image": "alpine", "command": []string{"sleep", "600"}, "memory": 128}}}},
		{"logs", logsTarget + "CreateLogGroup", map[string]any{"logGroupName": "/rawbench"}},
	}
	for _, s := range steps {
		if err := c.call(ctx, s.svc, s.target, s.in, nil); err != nil {
			return nil, err
		}
	}
	for i := range clients {
		if err := c.call(ctx, "logs", logsTarget+"CreateLogStream", map[string]any{"logGroupName": "/rawbench", "logStreamName": fmt.Sprint("s", i)}, nil); err != nil {
			return nil, err
		}
	}
	var run struct {
		Tasks []struct {
			TaskArn string `json:"taskArn"`
		} `json:"tasks"`
	}
	// moto places bridge-mode tasks only on FARGATE (it has no container
	// instances); AWS, and the simulator, refuse FARGATE for them.
	if err := c.call(ctx, "ecs", ecsTarget+"RunTask", map[string]any{"taskDefinition": "rawbench", "launchType": "FARGATE"}, &run); err != nil {
		if err := c.call(ctx, "ecs", ecsTarget+"RunTask", map[string]any{"taskDefinition": "rawbench"}, &run); err != nil {
			return nil, err
		}
	}
	if len(run.Tasks) != 1 {
		return nil, fmt.Errorf("RunTask started %d tasks", len(run.Tasks))
	}
	b.task = run.Tasks[0].TaskArn
	return b, nil
}

func (b *rawBench) describeTasks(ctx context.Context) error {
	var out struct {
		Tasks []json.RawMessage `json:"tasks"`
	}
	if err := b.c.call(ctx, "ecs", ecsTarget+"DescribeTasks", map[string]any{"tasks": []string{b.task}}, &out); err != nil {
		return err
	}
	if len(out.Tasks) != 1 {
		return fmt.Errorf("DescribeTasks found %d tasks", len(out.Tasks))
	}
	return nil
}

func (b *rawBench) putLogEvents(ctx context.Context) error {
	i, _ := ctx.Value(clientKey{}).(int)
	return b.c.call(ctx, "logs", logsTarget+"PutLogEvents", map[string]any{"logGroupName": "/rawbench", "logStreamName": fmt.Sprint("s", i),
		"logEvents": []any{map[string]any{"timestamp": time.Now().UnixMilli(), "message": "event"}}}, nil)
}
