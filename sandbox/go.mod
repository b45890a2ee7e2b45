module github.com/sockerless/sockerless/sandbox

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	mvdan.cc/sh/v3 v3.14.1 // indirect
)
