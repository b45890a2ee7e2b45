package awssim

import "github.com/rs/zerolog"

// Options configures a [Server].
type Options struct {
	// Account is the AWS account ID every resource belongs to
	// (default 123456789012).
	Account string
	// DataDir persists all state with crash-safe writes; empty keeps
	// everything in memory.
	DataDir string
	// Credentials maps access key IDs to secret keys. With StrictAuth,
	// only these keys are accepted and every signature is verified.
	Credentials map[string]string
	// StrictAuth verifies SigV4 signatures. Without it, any well-formed
	// Authorization header is accepted, as the SDKs' signatures cannot be
	// checked without the secret.
	StrictAuth bool
	// Logger receives the simulator's logs (default: none).
	Logger *zerolog.Logger
	// RegistryHost is the host:port clients use for the ECR registry
	// (the simulator's own listen address); it names repository URIs.
	RegistryHost string
	// Runtime runs ECS containers: "process" (default), each container's
	// entrypoint and command as a host process, or "docker", each
	// container as a Docker container from its image on DockerHost.
	Runtime string
	// DockerHost is the dockerd of the docker runtime (default
	// unix:///var/run/docker.sock).
	DockerHost string
}

func (o *Options) defaults() {
	if o.Account == "" {
		o.Account = "123456789012"
	}
	if o.Logger == nil {
		l := zerolog.Nop()
		o.Logger = &l
	}
	if o.Runtime == "" {
		o.Runtime = "process"
	}
	if o.DockerHost == "" {
		o.DockerHost = "unix:///var/run/docker.sock"
	}
	if o.RegistryHost == "" {
		o.RegistryHost = "127.0.0.1:4566"
	}
}
