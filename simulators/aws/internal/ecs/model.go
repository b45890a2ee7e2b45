// Package ecs serves Amazon Elastic Container Service (JSON 1.1, target
// prefix AmazonEC2ContainerServiceV20141113): clusters, task definitions
// and tasks. RunTask really runs each container's entrypoint and command
// as a host process (or, with the docker runtime, as a Docker container
// with the task's volumes mounted), in the order dependsOn allows, walks
// the task through ECS's lifecycle
// (PROVISIONING → PENDING → RUNNING → DEPROVISIONING → STOPPED) and ships
// the output to CloudWatch Logs per the awslogs log configuration.
//
// API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/.
package ecs

import (
	"net/http"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Target is the X-Amz-Target prefix of ECS.
const Target = "AmazonEC2ContainerServiceV20141113"

// Tag is ECS's lower-case key/value tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// KeyValue is a name/value pair (environment variables, attachment details).
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// epoch formats a time as ECS does on the wire: seconds since the epoch, a
// JSON number with millisecond precision.
func epoch(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := float64(t.UnixMilli()) / 1000
	return &v
}

type cluster struct {
	Region   string     `json:"-"`
	Arn      string     `json:"clusterArn"`
	Name     string     `json:"clusterName"`
	Status   string     `json:"status"`
	Tags     []Tag      `json:"tags,omitempty"`
	Settings []KeyValue `json:"settings,omitempty"`
	Created  time.Time  `json:"-"`
}

// Service is the ECS simulator.
type Service struct {
	account string
	store   *state.Store
	logs    *logs.Service
	net     Network           // awsvpc tasks' interfaces
	docker  *dockerrt.Runtime // nil: containers run as host processes
	efs     FileSystems       // EFS volumes' data
	now     func() time.Time
	scratch string // parent of the tasks' working directories

	mu       sync.Mutex
	clusters map[string]*cluster   // ARN -> cluster
	families map[string][]*taskDef // region/family -> revisions (index rev-1)
	tasks    map[string]*task      // ARN -> task
	wg       sync.WaitGroup
	closing  bool
}

// The catalogue of ECS errors, in AWS's words.
var (
	errClusterNotFound = awsproto.Errorf(http.StatusBadRequest, "ClusterNotFoundException", "Cluster not found.")
	errTaskDefNotFound = awsproto.Errorf(http.StatusBadRequest, "ClientException", "Unable to describe task definition.")
	errTaskNotFound    = awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", "The referenced task was not found.")
	errResourceMissing = awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", "The specified resource could not be found.")
)

func clientErr(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "ClientException", format, args...)
}

func invalidParam(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}
