module github.com/sockerless/sockerless/sandbox

go 1.26.0

require (
	github.com/containerd/errdefs v1.0.0
	github.com/tetratelabs/wazero v1.12.0
	mvdan.cc/sh/v3 v3.14.1
)

require (
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/term v0.45.0 // indirect
)
