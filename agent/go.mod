module github.com/sockerless/sockerless/agent

go 1.26.8

require (
	github.com/containerd/errdefs v1.0.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
)
