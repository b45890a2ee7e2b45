// Command sockerless-backend-ecs is the ECS backend daemon: the Sockerless
// core serving the Docker Engine API at unversioned paths, with containers
// run as Amazon ECS tasks (or the AWS simulator's, with
// SOCKERLESS_ENDPOINT_URL) and reached through the sockerless-agent.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/daemon"
	"github.com/sockerless/sockerless/backends/ecs/ecsdriver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sockerless-backend-ecs:", err)
		os.Exit(1)
	}
}

// run serves the ECS backend until ctx is done. The ECS flags (see
// [splitFlags]) are taken out of args; the rest are the daemon's.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, rest, err := splitFlags(args)
	if err != nil {
		return err
	}
	if err := cfg.FromEnv(getenv); err != nil {
		return err
	}
	return daemon.Run(ctx, rest, getenv, stderr, func(ctx context.Context, dc daemon.Config) (driver.Driver, io.Closer, error) {
		c := cfg
		c.DataDir = dc.DataDir
		d, err := ecsdriver.New(ctx, c, dc.Logger.With().Str("backend", ecsdriver.Name).Logger())
		if err != nil {
			return driver.Driver{}, nil, err
		}
		dc.Logger.Info().Str("cluster", c.Cluster).Str("region", c.Region).Str("endpoint", c.Endpoint).Msg("ecs ready")
		return d.Driver(), d, nil
	})
}
