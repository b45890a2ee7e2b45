package ecs

import (
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/process"
)

// task is one ECS task. Exported members are its wire form; the rest is
// the runtime the simulator drives.
type task struct {
	Region               string         `json:"-"`
	TaskArn              string         `json:"taskArn"`
	ClusterArn           string         `json:"clusterArn"`
	TaskDefinitionArn    string         `json:"taskDefinitionArn"`
	LastStatus           string         `json:"lastStatus"`
	DesiredStatus        string         `json:"desiredStatus"`
	LaunchType           string         `json:"launchType,omitempty"`
	PlatformVersion      string         `json:"platformVersion,omitempty"`
	PlatformFamily       string         `json:"platformFamily,omitempty"`
	Cpu                  string         `json:"cpu,omitempty"`
	Memory               string         `json:"memory,omitempty"`
	Group                string         `json:"group,omitempty"`
	StartedBy            string         `json:"startedBy,omitempty"`
	AvailabilityZone     string         `json:"availabilityZone"`
	Connectivity         string         `json:"connectivity,omitempty"`
	ConnectivityAt       *float64       `json:"connectivityAt,omitempty"`
	CreatedAt            *float64       `json:"createdAt,omitempty"`
	PullStartedAt        *float64       `json:"pullStartedAt,omitempty"`
	PullStoppedAt        *float64       `json:"pullStoppedAt,omitempty"`
	StartedAt            *float64       `json:"startedAt,omitempty"`
	StoppingAt           *float64       `json:"stoppingAt,omitempty"`
	ExecutionStoppedAt   *float64       `json:"executionStoppedAt,omitempty"`
	StoppedAt            *float64       `json:"stoppedAt,omitempty"`
	StopCode             string         `json:"stopCode,omitempty"`
	StoppedReason        string         `json:"stoppedReason,omitempty"`
	EnableExecuteCommand bool           `json:"enableExecuteCommand"`
	Version              int            `json:"version"`
	Attachments          []attachment   `json:"attachments"`
	Containers           []*container   `json:"containers"`
	Overrides            taskOverride   `json:"overrides"`
	Tags                 []Tag          `json:"tags,omitempty"`
	EphemeralStorage     map[string]int `json:"ephemeralStorage,omitempty"`

	// iface is the awsvpc task's network interface, made at RunTask
	// and deleted when the task stops (its ID is then empty).
	iface   ec2.Interface
	volumes []volume      // the task definition's
	stopReq chan struct{} // closed by StopTask
	done    chan struct{} // closed when the task reaches STOPPED
}

type attachment struct {
	ID      string     `json:"id"`
	Type    string     `json:"type"`
	Status  string     `json:"status"`
	Details []KeyValue `json:"details"`
}

type networkInterface struct {
	AttachmentID       string `json:"attachmentId"`
	PrivateIpv4Address string `json:"privateIpv4Address"`
}

type container struct {
	ContainerArn      string             `json:"containerArn"`
	TaskArn           string             `json:"taskArn"`
	Name              string             `json:"name"`
	Image             string             `json:"image"`
	LastStatus        string             `json:"lastStatus"`
	ExitCode          *int               `json:"exitCode,omitempty"`
	Reason            string             `json:"reason,omitempty"`
	RuntimeID         string             `json:"runtimeId,omitempty"`
	NetworkInterfaces []networkInterface `json:"networkInterfaces"`
	Cpu               string             `json:"cpu,omitempty"`
	Memory            string             `json:"memory,omitempty"`
	HealthStatus      string             `json:"healthStatus"`
	NetworkBindings   []networkBinding   `json:"networkBindings,omitempty"`

	def  containerDef
	proc workload
	// started is set once the container has started (ECS's agent
	// reports the dependencies of one that never did as NONE).
	started bool
}

// workload is a running container: a host process ([process.Process])
// or a Docker container ([dockerrt.Container]).
type workload interface {
	Done() <-chan struct{}
	ExitCode() int
	Stop(grace time.Duration)
}

var (
	_ workload = (*process.Process)(nil)
	_ workload = (*dockerrt.Container)(nil)
)

// networkBinding is where a container port is reachable from outside
// the task.
type networkBinding struct {
	BindIP        string `json:"bindIP"`
	ContainerPort int32  `json:"containerPort"`
	HostPort      int32  `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type containerOverride struct {
	Name        string     `json:"name"`
	Command     []string   `json:"command,omitempty"`
	Environment []KeyValue `json:"environment,omitempty"`
	Cpu         *int32     `json:"cpu,omitempty"`
	Memory      *int32     `json:"memory,omitempty"`
}

type taskOverride struct {
	ContainerOverrides []containerOverride `json:"containerOverrides"`
	Cpu                string              `json:"cpu,omitempty"`
	Memory             string              `json:"memory,omitempty"`
	TaskRoleArn        string              `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn   string              `json:"executionRoleArn,omitempty"`
}

// set records a status change; every change bumps the task's version, as
// ECS's task version counts state changes.
func (t *task) set(status string) {
	t.LastStatus = status
	t.Version++
}

func stamp(at time.Time) *float64 { return epoch(at) }
