module github.com/sockerless/sockerless/cmd/sockerless

go 1.26

require github.com/sockerless/sockerless/api v0.0.0-00010101000000-000000000000

require (
	github.com/containerd/errdefs v1.0.0 // indirect
	github.com/containerd/errdefs/pkg v0.3.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/moby/moby/api v1.56.1 // indirect
	github.com/rs/zerolog v1.35.1 // indirect
	golang.org/x/sys v0.29.0 // indirect
)

replace github.com/sockerless/sockerless/api => ../../api
