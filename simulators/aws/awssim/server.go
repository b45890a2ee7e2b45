package awssim

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/aws/internal/ecr"
	"github.com/sockerless/sockerless/simulators/aws/internal/ecs"
	"github.com/sockerless/sockerless/simulators/aws/internal/efs"
	"github.com/sockerless/sockerless/simulators/aws/internal/iam"
	"github.com/sockerless/sockerless/simulators/aws/internal/lambda"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/aws/internal/s3"
	"github.com/sockerless/sockerless/simulators/aws/internal/servicediscovery"
	"github.com/sockerless/sockerless/simulators/core/serve"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Server is one simulated AWS account. Its state belongs to it alone, so
// two servers in one test share nothing.
type Server struct {
	opts   Options
	store  *state.Store
	json   map[string]awsproto.JSONService // X-Amz-Target prefix -> service
	rest   map[string]restHandler          // signing name -> REST service
	logs   *logs.Service
	ecs    *ecs.Service
	ecr    *ecr.Service
	lambda *lambda.Service
	iam    *iam.Service
	s3     *s3.Service
	ec2    *ec2.Service
	sd     *servicediscovery.Service
	efs    *efs.Service
	docker *dockerrt.Runtime // nil unless Options.Runtime is "docker"
	tmp    string            // scratch root when there is no DataDir
	// registry serves ECR's /v2/ data plane; nil until ECR is set up.
	registry http.Handler
}

// restHandler serves one REST-JSON or REST-XML service.
type restHandler func(w http.ResponseWriter, r *http.Request, body []byte)

// New returns a Server, loading its state from opts.DataDir when set. ctx
// bounds the workloads the server runs; [Server.Close] stops them.
func New(ctx context.Context, opts Options) (*Server, error) {
	opts.defaults()
	store, err := state.Open(opts.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, store: store, json: map[string]awsproto.JSONService{},
		rest: map[string]restHandler{}}
	if s.logs, err = logs.New(opts.Account, store, nil); err != nil {
		return nil, err
	}
	s.addJSON(s.logs.JSON())
	if s.iam, err = iam.New(opts.Account, store); err != nil {
		return nil, err
	}
	// EC2 comes before the services whose workloads get its network
	// interfaces (EFS mount targets; ECS awsvpc tasks, see ec2.CreateInterface).
	if s.ec2, err = ec2.New(opts.Account, store); err != nil {
		return nil, err
	}
	blobs := ""
	if store.Persistent() {
		if blobs, err = store.Dir("ecr-blobs"); err != nil {
			return nil, err
		}
	}
	if s.ecr, err = ecr.New(opts.Account, opts.RegistryHost, store, blobs, opts.StrictAuth); err != nil {
		return nil, err
	}
	s.addJSON(s.ecr.JSON())
	s.registry = s.ecr.Registry()
	// The docker runtime pulls images of ECR's registry with its passwords.
	switch opts.Runtime {
	case "process":
	case "docker":
		if s.docker, err = dockerrt.New(ctx, opts.DockerHost, opts.RegistryHost, s.ecr.RegistryPassword); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("runtime %q: want process or docker", opts.Runtime)
	}
	// EFS comes before ECS, whose tasks mount its file systems.
	efsData, err := s.scratchDir("efs")
	if err != nil {
		return nil, err
	}
	if s.efs, err = efs.New(opts.Account, store, s.ec2, efsData); err != nil {
		return nil, err
	}
	s.addREST("elasticfilesystem", s.efs.Handler(bodyFrom))
	scratch, err := s.scratchDir("ecs-tasks")
	if err != nil {
		return nil, err
	}
	if s.ecs, err = ecs.New(ctx, ecs.Config{Account: opts.Account, Store: store, Logs: s.logs, Net: s.ec2,
		Scratch: scratch, Docker: s.docker, EFS: s.efs}); err != nil {
		return nil, err
	}
	s.addJSON(s.ecs.JSON())
	fnDir, err := s.scratchDir("lambda-code")
	if err != nil {
		return nil, err
	}
	if s.lambda, err = lambda.New(opts.Account, store, s.logs, fnDir, s.docker); err != nil {
		return nil, err
	}
	s.addREST("lambda", s.lambda.Handler(bodyFrom))
	objects := ""
	if store.Persistent() {
		if objects, err = store.Dir("s3-data"); err != nil {
			return nil, err
		}
	}
	if s.s3, err = s3.New(opts.Account, store, objects); err != nil {
		return nil, err
	}
	s.rest["s3"] = s.s3.Serve
	if s.sd, err = servicediscovery.New(opts.Account, store, s.ec2); err != nil {
		return nil, err
	}
	s.addJSON(s.sd.JSON())
	return s, nil
}

func (s *Server) addJSON(svc awsproto.JSONService) { s.json[svc.Prefix] = svc }

type bodyKey struct{}

// bodyFrom returns the request body the router already read.
func bodyFrom(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

// addREST routes requests signed for service (the credential scope's
// name) to h.
func (s *Server) addREST(service string, h http.Handler) {
	s.rest[service] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyKey{}, body)))
	}
}

// Handler returns the simulator's HTTP handler: every service on one
// endpoint, as LocalStack and moto serve them.
func (s *Server) Handler() http.Handler {
	return serve.Wrap(http.HandlerFunc(s.route), *s.opts.Logger, func(w http.ResponseWriter, r *http.Request) {
		awsproto.WriteError(w, r, protocolOf(r), awsproto.ErrInternal)
	})
}

// Close stops every workload the server runs and waits for them.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.ecs.Close(ctx, 2*time.Second)
	s.lambda.Close()
	if s.docker != nil {
		s.docker.Close()
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
	return err
}

// scratchDir returns a directory for workloads' files: under DataDir when
// set, else under a temporary directory that Close removes.
func (s *Server) scratchDir(name string) (string, error) {
	if s.store.Persistent() {
		return s.store.Dir(name)
	}
	if s.tmp == "" {
		d, err := os.MkdirTemp("", "sockerless-sim-aws-")
		if err != nil {
			return "", err
		}
		s.tmp = d
	}
	return filepath.Join(s.tmp, name), nil
}
