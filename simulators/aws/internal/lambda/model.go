// Package lambda serves AWS Lambda's function API (REST-JSON, paths under
// /2015-03-31/ and tags under /2017-03-31/): CreateFunction for Image and
// Zip packages, Get/Update/Delete/List, tags and Invoke, which really runs
// the function as a host process or, with the docker runtime, an Image
// function as a Docker container from its image.
//
// # The process contract
//
// The simulator does not implement Lambda's Runtime API. Each invocation
// runs the function's command once, writes the event JSON to its stdin
// and takes its stdout as the result payload; stderr lines go to CloudWatch
// Logs between the START and END lines, followed by a REPORT line with the
// real duration and peak memory (getrusage). The command is
// ImageConfig.EntryPoint + ImageConfig.Command for Image functions and, for
// Zip functions, the package's executable named by Handler (runtime
// provided.*: "bootstrap" when Handler names no file). A non-zero exit is
// an Unhandled function error; running past Timeout kills the process and
// answers Lambda's "Task timed out" error.
//
// API reference: https://docs.aws.amazon.com/lambda/latest/api/.
package lambda

import (
	"net/http"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/state"
)

type imageConfig struct {
	EntryPoint       []string `json:"EntryPoint,omitempty"`
	Command          []string `json:"Command,omitempty"`
	WorkingDirectory string   `json:"WorkingDirectory,omitempty"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

// function is a function's configuration in its wire form plus the
// simulator's bookkeeping.
type function struct {
	Region       string            `json:"region"`
	Name         string            `json:"FunctionName"`
	Runtime      string            `json:"Runtime,omitempty"`
	Role         string            `json:"Role"`
	Handler      string            `json:"Handler,omitempty"`
	Description  string            `json:"Description"`
	Timeout      int32             `json:"Timeout"`
	MemorySize   int32             `json:"MemorySize"`
	PackageType  string            `json:"PackageType"`
	ImageURI     string            `json:"ImageUri,omitempty"`
	ImageConfig  *imageConfig      `json:"ImageConfig,omitempty"`
	Environment  *environment      `json:"Environment,omitempty"`
	CodeSha256   string            `json:"CodeSha256"`
	CodeSize     int64             `json:"CodeSize"`
	LastModified time.Time         `json:"LastModified"`
	RevisionID   string            `json:"RevisionId"`
	Tags         map[string]string `json:"Tags,omitempty"`
	Architecture []string          `json:"Architectures"`
	CodeDir      string            `json:"codeDir,omitempty"` // extracted zip
}

// Service is the Lambda simulator.
type Service struct {
	account string
	store   *state.Store
	logs    *logs.Service
	scratch string
	// docker, when set, runs Image functions as Docker containers from
	// their images.
	docker *dockerrt.Runtime
	now    func() time.Time

	mu    sync.Mutex
	funcs map[string]*function // region/name -> function
	wg    sync.WaitGroup       // Event invocations in flight
}

func (s *Service) arn(f *function) string {
	return "arn:aws:lambda:" + f.Region + ":" + s.account + ":function:" + f.Name
}

func notFound(s *Service, region, name string) *awsproto.Error {
	return awsproto.Errorf(http.StatusNotFound, "ResourceNotFoundException",
		"Function not found: arn:aws:lambda:%s:%s:function:%s", region, s.account, name)
}

func invalidValue(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

// configuration is FunctionConfiguration as Lambda answers it.
func (s *Service) configuration(f *function) map[string]any {
	c := map[string]any{
		"FunctionName": f.Name, "FunctionArn": s.arn(f), "Role": f.Role, "Description": f.Description,
		"Timeout": f.Timeout, "MemorySize": f.MemorySize, "PackageType": f.PackageType,
		"CodeSha256": f.CodeSha256, "CodeSize": f.CodeSize, "Version": "$LATEST",
		"LastModified": f.LastModified.UTC().Format("2006-01-02T15:04:05.000-0700"),
		"RevisionId":   f.RevisionID, "State": "Active", "LastUpdateStatus": "Successful",
		"Architectures": f.Architecture, "EphemeralStorage": map[string]int{"Size": 512},
		"TracingConfig": map[string]string{"Mode": "PassThrough"},
		"LoggingConfig": map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + f.Name},
	}
	if f.Runtime != "" {
		c["Runtime"] = f.Runtime
	}
	if f.Handler != "" {
		c["Handler"] = f.Handler
	}
	if f.Environment != nil {
		c["Environment"] = f.Environment
	}
	if f.ImageConfig != nil {
		c["ImageConfigResponse"] = map[string]any{"ImageConfig": f.ImageConfig}
	}
	return c
}
