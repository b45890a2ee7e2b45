#!/usr/bin/env bash
# Runs every Fuzz target of the workspace for the given time each (default 20s).
# The seed corpora already run in every `go test`; this explores beyond them.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
for dir in $(go list -m -f '{{.Dir}}'); do
	(cd "$dir" && grep -rl --include='*_test.go' '^func Fuzz' . 2>/dev/null | xargs -r -n1 dirname | sort -u) | while read -r pkg; do
		for f in $(cd "$dir" && grep -h '^func Fuzz' "$pkg"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
			echo "== $dir/$pkg $f"
			(cd "$dir" && go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg")
		done
	done
done
