// Command sockerless runs Sockerless: `sockerless up` starts a backend
// daemon and the Docker frontend in front of it and prints the DOCKER_HOST
// to use.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		os.Exit(1)
	}
}
