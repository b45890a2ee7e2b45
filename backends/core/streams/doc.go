// Package streams is the plumbing of the Docker Engine API's hijacked
// streams (attach and exec start,
// https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container/operation/ContainerAttach):
// the 8-byte multiplexed framing of application/vnd.docker.multiplexed-stream,
// detach keys, the fan-out of a container's output to attached clients, and
// the set of open connections closed at shutdown.
package streams
