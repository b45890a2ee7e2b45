module github.com/sockerless/sockerless/agent

go 1.26.8
