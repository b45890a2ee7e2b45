# Sockerless: build, test and run. See README.md.
#
# `go test ./...` does not work at a go.work root without a module of its own,
# so targets list the workspace's modules.
MODULES := $(shell go list -m -f '{{.Dir}}')
PKGS    := $(addsuffix /...,$(MODULES))
BIN     := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The commit's time, not the wall clock, so that builds are reproducible.
DATE    ?= $(shell git log -1 --format=%cI 2>/dev/null || echo unknown)
CORE    := github.com/sockerless/sockerless/backends/core/server
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE) \
	-X $(CORE).Version=$(VERSION) -X $(CORE).GitCommit=$(COMMIT)

# Modules whose tests run under the race detector. The sandbox and the
# end-to-end tests run without it: they spend their time in wazero's
# compiler and in real clients, where -race multiplies the time by ten and
# finds nothing the unit tests of the concurrent code don't.
RACE_PKGS  := ./agent/... ./api/... ./backends/core/... ./backends/ecs/... ./backends/lambda/... ./backends/memory/... ./frontends/docker/... ./cmd/sockerless/... ./simulators/core/... ./simulators/aws/...
PLAIN_PKGS := ./sandbox/... ./sandbox/applets/... ./tests/...

.PHONY: build test short lint fmt tidy run toolbox fuzz bench

# The sandbox's applets, compiled to one WASI module that the sandbox embeds.
# Not committed (docs/DECISIONS.md): every target that compiles the sandbox
# regenerates it.
toolbox:
	cd sandbox/applets && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o ../toolbox/toolbox.wasm .

build: toolbox
	@mkdir -p $(BIN)
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./frontends/docker/cmd/... ./backends/memory/cmd/... ./backends/ecs/cmd/... ./backends/lambda/cmd/... ./cmd/sockerless
	CGO_ENABLED=0 go build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./agent/cmd/sockerless-agent

test: build
	go test -race -count=1 -timeout 20m $(RACE_PKGS)
	go test -count=1 -timeout 25m $(PLAIN_PKGS)

short: toolbox
	go test -short $(PKGS)

lint: toolbox
	go vet $(PKGS)

fmt:
	gofmt -s -w .

tidy:
	for d in $(MODULES); do (cd $$d && go mod tidy); done && go work sync

# Each fuzz target for a short while (go test -fuzz takes one target per run).
fuzz: toolbox
	scripts/fuzz.sh 20s

bench: build
	bench/run.sh

run: build
	$(BIN)/sockerless up
