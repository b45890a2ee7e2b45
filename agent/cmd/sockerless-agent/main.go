// Command sockerless-agent runs inside a cloud workload as the entrypoint
// wrapper of a Sockerless container: it starts the container's process, and
// serves exec, attach, signals and file copies to the backend over one
// multiplexed WebSocket (see PROTOCOL.md in the agent module).
//
//	sockerless-agent [--listen :9111 | --callback URL] [--token-file F] -- CMD ARGS...
//	sockerless-agent install DIR
//
// The second form copies the agent into DIR: the command of the agent's
// init container, which delivers it into a workload whose image lacks it.
package main

import "os"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "install" {
		os.Exit(install(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
