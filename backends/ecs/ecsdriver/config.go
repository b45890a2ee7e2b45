package ecsdriver

import (
	"fmt"
	"strings"
	"time"
)

// Config is the ECS backend's configuration. Every field has a default
// that works against the AWS simulator; see [Config.FromEnv].
type Config struct {
	// Endpoint, when set, points every AWS client at it (a simulator).
	Endpoint string
	Region   string
	// Cluster is the ECS cluster tasks run in; it is created when missing.
	Cluster string
	// Subnets are the tasks' subnets; empty means the region's default
	// subnets, looked up when the driver starts.
	Subnets        []string
	SecurityGroups []string
	// ExecutionRole is the task execution role ARN (default: the
	// account's ecsTaskExecutionRole).
	ExecutionRole string
	// LogGroup receives the tasks' output through the awslogs driver.
	LogGroup string
	// AgentPath is the sockerless-agent executable inside the workload.
	AgentPath string
	// AgentImage, when set, is an image whose entrypoint is
	// sockerless-agent: an init container of every task copies the agent
	// from it into a task volume the workload runs it from, so any image
	// works. Without it the agent must be in the image at AgentPath.
	AgentImage string
	// FileSystem is the EFS file system of volumes; empty: the one made
	// with creation token sockerless-<cluster>, made at first use.
	FileSystem string
	// AgentPort is the port the agent listens on inside the task.
	AgentPort int
	// Poll is how often running tasks and their logs are polled.
	Poll time.Duration
	// DataDir holds the key the agents' tokens are derived from.
	DataDir string
}

// Env names of the configuration, as the issue and `sockerless up` use them.
const (
	EnvEndpoint       = "SOCKERLESS_ENDPOINT_URL"
	EnvRegion         = "SOCKERLESS_AWS_REGION"
	EnvCluster        = "SOCKERLESS_ECS_CLUSTER"
	EnvSubnets        = "SOCKERLESS_ECS_SUBNETS"
	EnvSecurityGroups = "SOCKERLESS_ECS_SECURITY_GROUPS"
	EnvExecutionRole  = "SOCKERLESS_ECS_EXECUTION_ROLE_ARN"
	EnvLogGroup       = "SOCKERLESS_ECS_LOG_GROUP"
	EnvAgentPath      = "SOCKERLESS_AGENT_PATH"
	EnvAgentImage     = "SOCKERLESS_ECS_AGENT_IMAGE"
	EnvFileSystem     = "SOCKERLESS_ECS_EFS_FILE_SYSTEM"
	EnvPoll           = "SOCKERLESS_ECS_POLL"
)

// FromEnv fills c from the environment and the defaults.
func (c *Config) FromEnv(getenv func(string) string) error {
	set := func(dst *string, env, def string) {
		if *dst != "" {
			return
		}
		if *dst = getenv(env); *dst == "" {
			*dst = def
		}
	}
	set(&c.Endpoint, EnvEndpoint, "")
	region := getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	set(&c.Region, EnvRegion, region)
	set(&c.Cluster, EnvCluster, "sockerless")
	set(&c.ExecutionRole, EnvExecutionRole, "")
	set(&c.LogGroup, EnvLogGroup, "/sockerless/ecs")
	set(&c.AgentPath, EnvAgentPath, "sockerless-agent")
	set(&c.AgentImage, EnvAgentImage, "")
	set(&c.FileSystem, EnvFileSystem, "")
	if c.Subnets == nil {
		c.Subnets = list(getenv(EnvSubnets), "")
	}
	if c.SecurityGroups == nil {
		c.SecurityGroups = list(getenv(EnvSecurityGroups), "")
	}
	if c.AgentPort == 0 {
		c.AgentPort = 9111
	}
	if c.Poll == 0 {
		c.Poll = 100 * time.Millisecond
		if v := getenv(EnvPoll); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s: want a positive duration, got %q", EnvPoll, v)
			}
			c.Poll = d
		}
	}
	return nil
}

// list splits a comma-separated list, def when empty.
func list(v, def string) []string {
	if v == "" {
		v = def
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
