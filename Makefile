# Every module of the go.work workspace; `go test ./...` does not work at a
# workspace root without a module of its own.
MODULES := $(shell go list -m -f '{{.Dir}}')
PKGS    := $(addsuffix /...,$(MODULES))
BIN     := $(CURDIR)/bin

.PHONY: build test short lint fmt tidy run

build: toolbox
	@mkdir -p $(BIN)
	go build -o $(BIN)/ ./frontends/docker/cmd/... ./backends/memory/cmd/... ./cmd/sockerless

test: build
	go test -count=1 $(PKGS)

short: toolbox
	go test -short $(PKGS)

lint: toolbox
	go vet $(PKGS)

fmt:
	gofmt -s -w .

tidy:
	for d in $(MODULES); do (cd $$d && go mod tidy); done && go work sync

run: build
	$(BIN)/sockerless up

# The sandbox's applets, compiled to one WASI module that the sandbox embeds.
# Not committed: every target that compiles the sandbox regenerates it.
TOOLBOX := sandbox/toolbox/toolbox.wasm
.PHONY: toolbox
toolbox:
	cd sandbox/applets && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o ../toolbox/toolbox.wasm .
