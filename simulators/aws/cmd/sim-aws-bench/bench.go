package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/sockerless/sockerless/simulators/aws/awssim"
)

type bench struct {
	ecs     *ecs.Client
	logs    *cwl.Client
	clients int
	task    string
	seq     atomic.Int64
}

func newBench(ctx context.Context, endpoint string, clients int) (*bench, error) {
	cfg := awssim.Config(endpoint, "us-east-1")
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	cfg.RetryMaxAttempts = 1
	b := &bench{ecs: ecs.NewFromConfig(cfg), logs: cwl.NewFromConfig(cfg), clients: clients}
	if _, err := b.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		return nil, err
	}
	if _, err := b.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bench"),
		NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("main"), Image: aws.String("alpine"), Command: []string{"sleep", "600"}}},
	}); err != nil {
		return nil, err
	}
	subnets, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		return nil, fmt.Errorf("default subnets: %w", err)
	}
	if len(subnets.Subnets) == 0 {
		return nil, fmt.Errorf("default subnets: none in the default VPC")
	}
	run, err := b.ecs.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("bench"), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: []string{aws.ToString(subnets.Subnets[0].SubnetId)}}}})
	if err != nil {
		// moto may answer 500 to an awsvpc task; it runs a bridge-mode
		// task on FARGATE.
		if _, err := b.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bench-bridge"),
			Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("main"), Image: aws.String("alpine"),
				Command: []string{"sleep", "600"}, Memory: aws.Int32(128), Cpu: 256}},
		}); err != nil {
			return nil, err
		}
		run, err = b.ecs.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("bench-bridge"), LaunchType: ecstypes.LaunchTypeFargate})
		if err != nil {
			return nil, fmt.Errorf("run task: %w", err)
		}
	}
	b.task = aws.ToString(run.Tasks[0].TaskArn)
	if _, err := b.logs.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/bench")}); err != nil {
		return nil, err
	}
	for i := range clients {
		if _, err := b.logs.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/bench"), LogStreamName: aws.String(fmt.Sprint("s", i))}); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// load runs fn from b.clients goroutines for d and returns the rate of
// successful calls and the number of failed ones.
func (b *bench) load(ctx context.Context, d time.Duration, fn func(context.Context) error) (float64, int64) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range b.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := context.WithValue(ctx, clientKey{}, i)
			for ctx.Err() == nil {
				if err := fn(c); err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
					}
					continue
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(ok.Load()) / time.Since(start).Seconds(), failed.Load()
}

type clientKey struct{}

func (b *bench) describeTasks(ctx context.Context) error {
	out, err := b.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{b.task}})
	if err == nil && len(out.Tasks) != 1 {
		err = fmt.Errorf("DescribeTasks found %d tasks", len(out.Tasks))
	}
	return err
}

// putLogEvents puts one event; each client writes its own stream, as each
// awslogs driver does.
func (b *bench) putLogEvents(ctx context.Context) error {
	i, _ := ctx.Value(clientKey{}).(int)
	_, err := b.logs.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/bench"), LogStreamName: aws.String(fmt.Sprint("s", i)),
		LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(time.Now().UnixMilli()), Message: aws.String(fmt.Sprint("event ", b.seq.Add(1)))}}})
	return err
}

// runTaskLatency times n RunTask calls of an echo task until
// DescribeTasks reports STOPPED, polling every 5 ms.
func (b *bench) runTaskLatency(ctx context.Context, n int) (p50, p95 time.Duration, err error) {
	if _, err := b.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("echo"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("main"), Image: aws.String("alpine"), Command: []string{"echo", "hi"}}},
	}); err != nil {
		return 0, 0, err
	}
	var lat []time.Duration
	for range n {
		start := time.Now()
		run, err := b.ecs.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("echo")})
		if err != nil {
			return 0, 0, err
		}
		for {
			out, err := b.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{aws.ToString(run.Tasks[0].TaskArn)}})
			if err != nil {
				return 0, 0, err
			}
			if aws.ToString(out.Tasks[0].LastStatus) == "STOPPED" {
				break
			}
			if time.Since(start) > 30*time.Second {
				return 0, 0, fmt.Errorf("echo task did not stop in 30s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2].Round(time.Microsecond * 100), lat[len(lat)*95/100].Round(time.Microsecond * 100), nil
}
