package main

import (
	"fmt"
	"strings"

	"github.com/sockerless/sockerless/backends/ecs/ecsdriver"
)

// splitFlags takes the ECS backend's own flags out of args (--name value
// or --name=value), leaving the daemon's flags:
//
//	--endpoint-url URL      every AWS client's endpoint ($SOCKERLESS_ENDPOINT_URL)
//	--region REGION         ($SOCKERLESS_AWS_REGION, $AWS_REGION, us-east-1)
//	--cluster NAME          ($SOCKERLESS_ECS_CLUSTER, sockerless)
//	--subnet ID             repeatable ($SOCKERLESS_ECS_SUBNETS, comma-separated)
//	--security-group ID     repeatable ($SOCKERLESS_ECS_SECURITY_GROUPS)
//	--execution-role ARN    ($SOCKERLESS_ECS_EXECUTION_ROLE_ARN)
//	--log-group NAME        ($SOCKERLESS_ECS_LOG_GROUP, /sockerless/ecs)
//	--agent-path PATH       the agent inside the workload ($SOCKERLESS_AGENT_PATH)
//	--agent-image REF       deliver the agent from this image by an init container ($SOCKERLESS_ECS_AGENT_IMAGE)
//	--efs-file-system ID    the volumes' EFS file system ($SOCKERLESS_ECS_EFS_FILE_SYSTEM)
func splitFlags(args []string) (ecsdriver.Config, []string, error) {
	var c ecsdriver.Config
	dst := map[string]func(string){
		"endpoint-url":    func(v string) { c.Endpoint = v },
		"region":          func(v string) { c.Region = v },
		"cluster":         func(v string) { c.Cluster = v },
		"subnet":          func(v string) { c.Subnets = append(c.Subnets, v) },
		"security-group":  func(v string) { c.SecurityGroups = append(c.SecurityGroups, v) },
		"execution-role":  func(v string) { c.ExecutionRole = v },
		"log-group":       func(v string) { c.LogGroup = v },
		"agent-path":      func(v string) { c.AgentPath = v },
		"agent-image":     func(v string) { c.AgentImage = v },
		"efs-file-system": func(v string) { c.FileSystem = v },
	}
	var rest []string
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		set, ok := dst[name]
		if !ok || !strings.HasPrefix(args[i], "-") {
			rest = append(rest, args[i])
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return c, nil, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			val = args[i]
		}
		set(val)
	}
	return c, rest, nil
}
