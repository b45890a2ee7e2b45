// Command sockerless-backend-lambda is the Lambda backend daemon: the
// Sockerless core serving the Docker Engine API at unversioned paths, with
// containers run as AWS Lambda invocations (or the AWS simulator's, with
// SOCKERLESS_ENDPOINT_URL) whose sockerless-agent dials the backend back.
//
// Configuration is from the environment: SOCKERLESS_ENDPOINT_URL,
// SOCKERLESS_AWS_REGION (or AWS_REGION), SOCKERLESS_LAMBDA_ROLE_ARN,
// SOCKERLESS_AGENT_PATH, SOCKERLESS_CALLBACK_LISTEN (default
// 127.0.0.1:0) and SOCKERLESS_CALLBACK_URL (what the agents dial).
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
	"github.com/sockerless/sockerless/backends/lambda/lambdadriver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sockerless-backend-lambda:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var cfg lambdadriver.Config
	cfg.FromEnv(getenv)
	return daemon.Run(ctx, args, getenv, stderr, func(ctx context.Context, dc daemon.Config) (driver.Driver, io.Closer, error) {
		c := cfg
		c.DataDir = dc.DataDir
		d, err := lambdadriver.New(ctx, c, dc.Logger.With().Str("backend", lambdadriver.Name).Logger())
		if err != nil {
			return driver.Driver{}, nil, err
		}
		return d.Driver(), d, nil
	})
}
