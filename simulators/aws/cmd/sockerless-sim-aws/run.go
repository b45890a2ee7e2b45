package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/rs/zerolog"
	"github.com/sockerless/sockerless/simulators/aws/awssim"
	"github.com/sockerless/sockerless/simulators/core/serve"
)

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("sockerless-sim-aws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:4566", "address to listen on")
	dataDir := fs.String("data-dir", "", "persist state in this directory (default: in memory)")
	strict := fs.Bool("strict-auth", false, "verify SigV4 signatures against --access-key/--secret-key")
	account := fs.String("account", "123456789012", "AWS account ID of every resource")
	accessKey := fs.String("access-key", getenv("AWS_ACCESS_KEY_ID"), "access key accepted with --strict-auth (default $AWS_ACCESS_KEY_ID)")
	secretKey := fs.String("secret-key", getenv("AWS_SECRET_ACCESS_KEY"), "secret key of --access-key (default $AWS_SECRET_ACCESS_KEY)")
	runtime := fs.String("runtime", "process", "how ECS containers run: process (host processes; no volumes) or docker (containers from their images, with volumes and EFS mounts)")
	dockerHost := fs.String("docker-host", getenv("DOCKER_HOST"), "dockerd of --runtime docker (default $DOCKER_HOST, else unix:///var/run/docker.sock)")
	level := fs.String("log-level", "info", "log level (debug, info, warn, error)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := serve.NewLogger(stderr, "aws", lvl)
	if *runtime != "process" && *runtime != "docker" {
		err := fmt.Errorf("--runtime: want process or docker, got %q", *runtime)
		log.Error().Err(err).Msg("bad configuration")
		return err
	}
	if *strict && (*accessKey == "" || *secretKey == "") {
		err := errors.New("--strict-auth needs --access-key and --secret-key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
		log.Error().Err(err).Msg("bad configuration")
		return err
	}
	sim, err := awssim.New(ctx, awssim.Options{
		Account:      *account,
		DataDir:      *dataDir,
		StrictAuth:   *strict,
		Credentials:  map[string]string{*accessKey: *secretKey},
		Logger:       &log,
		RegistryHost: *listen,
		Runtime:      *runtime,
		DockerHost:   *dockerHost,
	})
	if err != nil {
		log.Error().Err(err).Msg("start failed")
		return err
	}
	defer sim.Close()
	err = serve.Serve(ctx, *listen, sim.Handler(), 10*time.Second, func(a net.Addr) {
		log.Info().Str("addr", a.String()).Str("data_dir", *dataDir).Bool("strict_auth", *strict).Msg("listening")
	})
	if err != nil {
		log.Error().Err(err).Msg("serve failed")
	}
	return err
}
