#!/usr/bin/env bash
# Measures Sockerless beside a real dockerd in the same run and prints the figures recorded in
# docs/PERFORMANCE.md. Needs root (dockerd), hyperfine, busybox-static and docker.io; installs
# the missing ones. Usage: bench/run.sh [run]   ("run": only the docker run comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
make build >/dev/null

work=$(mktemp -d /tmp/slbench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT

# Sockerless, memory backend.
bin/sockerless up --data-dir "$work/sl" --listen "unix://$work/sl.sock" >"$work/sl.log" 2>&1 &
pids+=($!)
# The reference: Debian's dockerd.
dockerd --data-root "$work/dd/root" --exec-root "$work/dd/exec" --pidfile "$work/dd/pid" \
	-H "unix://$work/dd.sock" --iptables=false --bridge=none >"$work/dd.log" 2>&1 &
pids+=($!)
for s in sl dd; do
	for _ in $(seq 1 300); do [ -S "$work/$s.sock" ] && DOCKER_HOST="unix://$work/$s.sock" docker version >/dev/null 2>&1 && break; sleep 0.1; done
done

# The image: Debian's busybox-static with its applet links.
mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
(cd "$work/rootfs/bin" && for a in sh echo cat ls sleep true; do ln -s busybox $a; done)
for s in sl dd; do tar -C "$work/rootfs" -c . | DOCKER_HOST="unix://$work/$s.sock" docker import - busybox:bench >/dev/null; done

echo "## docker run --rm busybox:bench true (median of 20)"
hyperfine -N --warmup 3 --runs 20 --export-markdown "$work/run.md" --export-json "$work/run.json" \
	-n sockerless "env DOCKER_HOST=unix://$work/sl.sock docker run --rm busybox:bench true" \
	-n dockerd "env DOCKER_HOST=unix://$work/dd.sock docker run --rm busybox:bench true" \
	-n "docker version (CLI floor)" "env DOCKER_HOST=unix://$work/sl.sock docker version"
cat "$work/run.md"
python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print("median %-30s %.1f ms" % (r["command"], r["median"]*1000))' "$work/run.json"
[ "${1:-}" = run ] && exit 0

echo "## API benchmarks (tests/bench)"
(cd tests && SOCKERLESS_DIFFERENTIAL=1 go test -run '^$' -bench Lifecycle1000 -benchtime 1x ./bench/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true)
(cd tests && SOCKERLESS_DIFFERENTIAL=1 go test -run '^$' -bench List100 -benchtime 2000x ./bench/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true)
echo "## Sandbox (sandbox/bench_test.go, with busybox-static beside it)"
(cd sandbox && go test -run '^$' -bench . -benchtime 20x . 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true)
