// Command sockerless-sim-aws serves the AWS simulator on one endpoint:
//
//	sockerless-sim-aws --listen 127.0.0.1:4566 [--data-dir DIR] [--strict-auth]
//
// Point the SDKs and the CLI at it with AWS_ENDPOINT_URL=http://127.0.0.1:4566.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	if err != nil {
		os.Exit(1)
	}
}
