module github.com/sockerless/sockerless/agent

go 1.26.8

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/sys v0.29.0 // indirect
)

require (
	github.com/containerd/errdefs v1.0.0
	github.com/creack/pty v1.1.24
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
	github.com/rs/zerolog v1.35.1
	github.com/sockerless/sockerless/api v0.0.0-00010101000000-000000000000
	golang.org/x/sync v0.24.0
)

replace github.com/sockerless/sockerless/api => ../api
