#!/usr/bin/env bash
# Runs every CLI script against the simulator and against moto
# (python3 -m moto.server) in one go and prints, per script, each
# assertion's result on both, for simulators/aws/FIDELITY.md.
# Usage: [SCRIPTS="cli/ec2.sh ..."] simulators/aws/tests/compare-moto.sh [sim-binary]
set -uo pipefail
cd "$(dirname "$0")"
sim=${1:-$(mktemp -d)/sockerless-sim-aws}
[ -x "$sim" ] || (cd ../ && go build -o "$sim" ./cmd/sockerless-sim-aws) || exit 1
python3 -m moto.server --help >/dev/null || { echo "moto is not installed: pip install 'moto[server]'" >&2; exit 1; }
cli=$(pyenv which aws 2>/dev/null || command -v aws)
"$sim" --listen 127.0.0.1:4598 2>/dev/null & simpid=$!
python3 -m moto.server -H 127.0.0.1 -p 5598 >/dev/null 2>&1 & motopid=$!
trap 'kill $simpid $motopid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:5598/ && break; sleep 0.2; done
for s in ${SCRIPTS:-cli/*.sh}; do
	[ "$(basename "$s")" = lib.sh ] && continue
	for target in sim:4598 moto:5598; do
		out=$(AWS_CLI=$cli AWS_ENDPOINT_URL=http://127.0.0.1:${target#*:} RUN_ID=cmp bash "$s" 2>&1)
		rc=$?
		echo "== $(basename "$s" .sh) on ${target%%:*}: exit $rc"
		echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/   /'
	done
done
