module github.com/sockerless/sockerless/sandbox/applets

go 1.26

require (
	github.com/benhoyt/goawk v1.29.1 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
)
