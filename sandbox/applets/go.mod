module github.com/sockerless/sockerless/sandbox/applets

go 1.26
