// Package ecsdriver runs Sockerless containers as Amazon ECS tasks
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/): a container
// is a task definition with one container ("main") whose entrypoint is the
// sockerless-agent wrapping the container's command; start is RunTask,
// wait polls DescribeTasks, output comes from CloudWatch Logs (awslogs),
// and exec, attach and docker cp go through the agent in forward mode.
//
// ECS is the source of truth: every task is tagged with the container's ID
// and name, and its task definition family is derived from the ID, so a
// restarted backend finds its running tasks again ([Driver.Reattach]).
// Containers that share a network namespace (a pod) run as one task with
// a container each (pod.go).
package ecsdriver

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/agentdriver"
	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// Name is the backend's name in errors and /info.
const Name = "ecs"

// Driver is the ECS backend's driver.
type Driver struct {
	cfg    Config
	ecs    *ecs.Client
	logs   *cloudwatchlogs.Client
	log    zerolog.Logger
	tokens client.TokenKey
	// ctx outlives requests: the task watchers run on it until Close.
	ctx    context.Context
	cancel context.CancelFunc

	// netMu serializes the networks' cloud work.
	netMu sync.Mutex
	nets  *netStore
	// volMu serializes the EFS work of volumes (one access point each).
	volMu sync.Mutex
	vols  *volumeStore

	mu    sync.Mutex
	tasks map[string]placement    // container ID → where it runs (its current task)
	live  map[string]bool         // container IDs whose task is watched and not stopped
	conns map[string]*client.Conn // placement.connKey → agent connection
}

var (
	_ driver.Lifecycle = (*Driver)(nil)
	_ driver.Stream    = (*Driver)(nil)
	_ driver.Resizer   = extra{}
	_ driver.Network   = (*Driver)(nil)
)

// extra are the optional abilities the core type-asserts: the core's
// Reattacher hook and the agent's Resizer.
type extra struct {
	*Driver
	agentdriver.Layer
}

// New connects to ECS and CloudWatch Logs, creates the cluster and the log
// group when they are missing, and returns the driver. Without configured
// subnets, tasks run in the region's default subnets (EC2 DescribeSubnets,
// default-for-az).
func New(ctx context.Context, cfg Config, log zerolog.Logger) (*Driver, error) {
	awsCfg, err := awsConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	key, err := client.LoadTokenKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	d := &Driver{cfg: cfg, log: log, tokens: key, tasks: map[string]placement{}, conns: map[string]*client.Conn{}, live: map[string]bool{},
		ecs: ecs.NewFromConfig(awsCfg), logs: cloudwatchlogs.NewFromConfig(awsCfg)}
	d.nets = &netStore{ec2: ec2.NewFromConfig(awsCfg), sd: servicediscovery.NewFromConfig(awsCfg), cfg: &d.cfg, poll: cfg.Poll,
		nets: map[string]*netResources{}, eps: map[string]map[string]driver.Endpoint{}}
	d.vols = &volumeStore{efs: efs.NewFromConfig(awsCfg), cfg: &d.cfg, poll: cfg.Poll, aps: map[string]string{}}
	d.ctx, d.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if d.cfg.ExecutionRole == "" {
		id, err := sts.NewFromConfig(awsCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("ecs backend: find the account: %w", awsErr(err))
		}
		d.cfg.ExecutionRole = "arn:aws:iam::" + aws.ToString(id.Account) + ":role/ecsTaskExecutionRole"
	}
	if len(d.cfg.Subnets) == 0 {
		if d.cfg.Subnets, err = defaultSubnets(ctx, ec2.NewFromConfig(awsCfg)); err != nil {
			return nil, err
		}
	}
	if err := d.ensureCluster(ctx); err != nil {
		return nil, err
	}
	_, err = d.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(cfg.LogGroup)})
	var exists *cwtypes.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return nil, fmt.Errorf("ecs backend: create log group %s: %w", cfg.LogGroup, awsErr(err))
	}
	return d, nil
}

// awsConfig loads the SDK's default configuration chain; with an endpoint
// (a simulator) and no credentials in the environment, fixed test
// credentials are used.
func awsConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(cfg.Region)}
	if cfg.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(cfg.Endpoint))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("ecs backend: aws configuration: %w", err)
	}
	if cfg.Endpoint != "" {
		if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
			awsCfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
		}
	}
	return awsCfg, nil
}

func (d *Driver) ensureCluster(ctx context.Context) error {
	out, err := d.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{d.cfg.Cluster}})
	if err != nil {
		return fmt.Errorf("ecs backend: describe cluster %s: %w", d.cfg.Cluster, awsErr(err))
	}
	for _, c := range out.Clusters {
		if aws.ToString(c.Status) == "ACTIVE" {
			return nil
		}
	}
	if _, err := d.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(d.cfg.Cluster)}); err != nil {
		return fmt.Errorf("ecs backend: create cluster %s: %w", d.cfg.Cluster, awsErr(err))
	}
	return nil
}

// Driver returns the driver bundle the core runs.
func (d *Driver) Driver() driver.Driver {
	agent := agentdriver.Layer{Conn: d.conn}
	return driver.Driver{
		Name: Name, Lifecycle: d, Exec: agent, Filesystem: agent, Stream: d, Network: d, Extra: extra{d, agent},
		Capabilities: driver.Capabilities{Exec: true, Attach: true, Archive: true, CPUs: 16}, // Fargate's largest task: 16 vCPU
	}
}

// Close drops the agent connections; tasks keep running in ECS.
func (d *Driver) Close() error {
	d.cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, c := range d.conns {
		c.Close()
		delete(d.conns, id)
	}
	return nil
}

// isRunning tells whether container id's task is watched and not stopped.
func (d *Driver) isRunning(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.live[id]
}

func (d *Driver) setLive(id string, live bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if live {
		d.live[id] = true
	} else {
		delete(d.live, id)
	}
}
