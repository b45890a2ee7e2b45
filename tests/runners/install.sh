#!/bin/sh
# Installs the CI runners the runner suite drives, when they are missing:
# act (GitHub Actions, built with go install) and gitlab-ci-local (npm, with
# the rsync it needs on the host). Pinned as in /work/shared/TOOLS.md:
# gitlab-ci-local 4.75 needs Node 22. Safe to run again: it only installs what
# is not found. CI runs it from .ci/run; the Go tests run it when a tool is
# missing.
set -eu

ACT_VERSION=v0.2.89
GCL_VERSION=4.73.0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
if ! command -v act >/dev/null 2>&1 && [ ! -x "$gobin/act" ]; then
	echo "install.sh: installing act $ACT_VERSION into $gobin" >&2
	CGO_ENABLED=0 go install "github.com/nektos/act@$ACT_VERSION"
fi

if ! command -v rsync >/dev/null 2>&1; then
	echo "install.sh: installing rsync" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rsync
fi
if ! command -v gitlab-ci-local >/dev/null 2>&1; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "install.sh: installing nodejs and npm" >&2
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm
	fi
	echo "install.sh: installing gitlab-ci-local $GCL_VERSION" >&2
	$sudo npm install -g --no-fund --no-audit "gitlab-ci-local@$GCL_VERSION"
fi
