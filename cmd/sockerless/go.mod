module github.com/sockerless/sockerless/cmd/sockerless

go 1.26
require github.com/sockerless/sockerless/api v0.0.0-00010101000000-000000000000
replace github.com/sockerless/sockerless/api => ../../api
