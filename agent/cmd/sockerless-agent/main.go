// Command sockerless-agent runs inside a cloud workload as the entrypoint
// wrapper of a Sockerless container: it starts the container's process, and
// serves exec, attach, signals and file copies to the backend over one
// multiplexed WebSocket (see PROTOCOL.md in the agent module).
//
//	sockerless-agent [--listen :9111 | --callback URL] [--token-file F] -- CMD ARGS...
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
