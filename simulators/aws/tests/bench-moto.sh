#!/usr/bin/env bash
# DescribeTasks and PutLogEvents requests/s (16 concurrent SDK clients) and
# RunTask → STOPPED latency, on the simulator and on moto in one run; the
# figures go to docs/PERFORMANCE.md, "AWS simulator (issue 5)".
# Usage: simulators/aws/tests/bench-moto.sh [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-5s}
tmp=$(mktemp -d)
go build -o "$tmp/sim" ./cmd/sockerless-sim-aws
go build -o "$tmp/bench" ./cmd/sim-aws-bench
"$tmp/sim" --listen 127.0.0.1:4597 --log-level warn & simpid=$!
python3 -m moto.server -H 127.0.0.1 -p 5597 >/dev/null 2>&1 & motopid=$!
trap 'kill $simpid $motopid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:5597/ && break; sleep 0.2; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$tmp/bench" -endpoint http://127.0.0.1:4597 -label sim -duration "$d" -runtask 20
"$tmp/bench" -endpoint http://127.0.0.1:4597 -label sim -duration "$d" -raw
"$tmp/bench" -endpoint http://127.0.0.1:5597 -label moto -duration "$d" -raw
