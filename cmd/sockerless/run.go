package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

const usage = `Usage: sockerless COMMAND [OPTIONS]

Commands:
  up        start a backend daemon and the Docker frontend in the foreground
  version   print the version of sockerless

Run 'sockerless COMMAND --help' for a command's options.
`

// errUsage is a command line that was wrong; the usage was printed.
var errUsage = errors.New("usage")

// errHelp is --help: the usage was printed, and that is success.
var errHelp = errors.New("help")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	var err error
	switch args[0] {
	case "up":
		err = up(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version":
		b := build()
		fmt.Fprintf(stdout, "sockerless %s (commit %s, built %s)\n", b.version, b.commit, b.date)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "sockerless: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
	if err != nil && !errors.Is(err, errUsage) {
		fmt.Fprintln(stderr, "sockerless:", err)
	}
	return err
}
