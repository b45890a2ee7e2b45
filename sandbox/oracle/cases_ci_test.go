package oracle

var ciCases = []ocase{
	{"ci/set-e-script", `set -e
mkdir -p build
for f in src/*.go; do
  cp "$f" build/
done
ls build
echo "built $(ls build | wc -l) files"`},
	{"ci/fail-fast", `set -e
echo step1
grep -q nothere a.txt
echo step2`},
	{"ci/grep-r-count", `grep -r TODO . | wc -l`},
	{"ci/sed-i-version", `sed -i 's/^version = .*/version = 2.0/' config.ini && grep version config.ini`},
	{"ci/awk-sum", `awk '{s+=$1} END {print s}' nums.txt`},
	{"ci/tar-roundtrip", `tar czf artifact.tgz src docs && rm -rf src docs && tar xzf artifact.tgz && find src docs -type f | sort | xargs md5sum`},
	{"ci/top-words", `cat words.txt a.txt | tr -s ' ' '\n' | sort | uniq -c | sort -rn | head -n 3`},
	{"ci/env-file", `printf 'A=1\nB=two\n' > .env; set -a; . ./.env; set +a; sh -c 'echo $A $B'`},
	{"ci/loop-files", `for f in $(find . -name '*.txt' | sort); do printf '%s %s\n' "$(wc -l < $f)" "$f"; done`},
	{"ci/checksum-verify", `sha256sum a.txt b.txt > SUMS && sha256sum -c SUMS`},
	{"ci/retry", `n=0; until [ $n -ge 3 ]; do n=$((n+1)); [ $n -eq 3 ] && break; done; echo "tries=$n"`},
	{"ci/conditional-file", `if [ -f Makefile ]; then echo make; elif [ -d src ]; then echo src; fi`},
	{"ci/csv-report", `tail -n +2 data.csv | sort -t, -k2 -n | awk -F, '{printf "%-6s %s\n", $1, $2}'`},
	{"ci/json-ish", `printf '{"name": "%s", "count": %d}\n' demo $(wc -l < a.txt)`},
	{"ci/heredoc-script", `cat > gen.sh <<'EOF'
#!/bin/sh
for i in $(seq 3); do echo "item $i"; done
EOF
sh gen.sh | tail -1`},
	{"ci/trap-cleanup", `tmp=$(mktemp -d); trap 'rm -rf "$tmp"; echo cleaned' EXIT; touch "$tmp/x"; ls "$tmp"`},
	{"ci/functions", `log() { echo "[$1] $2"; }; die() { log ERROR "$1"; return 1; }; log INFO start; die boom || echo "rc=$?"`},
	{"ci/case-os", `case "$(uname -s)" in Linux) echo linux;; *) echo other;; esac`},
	{"ci/basename-loop", `for f in src/*.go; do basename "$f" .go; done`},
	{"ci/count-lines", `find src -name '*.go' | xargs cat | wc -l`},
	{"ci/head-tail-window", `seq 100 | head -n 20 | tail -n 5`},
	{"ci/sort-versions", `sort -t. -k1,1n -k2,2n -k3,3n version.txt | tail -1`},
	{"ci/cut-passwd", `cut -d: -f1,7 users.txt | grep -v nologin`},
	{"ci/grep-exit-guard", `if ! grep -q FATAL log.txt; then echo "no fatal"; fi`},
	{"ci/arith-loop", `total=0; for n in $(cat nums.txt); do total=$((total + n)); done; echo $total`},
	{"ci/tee-log", `echo building | tee build.log | tr a-z A-Z; cat build.log`},
	{"ci/diff-files", `diff a.txt a.txt && echo identical`},
	{"ci/diff-changed", `sed 's/banana/BANANA/' a.txt > a2.txt; diff a.txt a2.txt; echo $?`},
	{"ci/diff-u", `printf '1\n2\n3\n' > x; printf '1\n3\n4\n' > y; diff -u x y | tail -n +3`},
	{"ci/diff-q", `diff -q a.txt b.txt; echo $?`},
	{"ci/diff-missing", `diff a.txt nope; echo $?`},
	{"ci/date-stamp", `date -u -d @1700000000 +%Y%m%d`},
	{"ci/nested-quotes", `sh -c "echo \"inner \$((1+1))\""`},
	{"ci/multi-pipe", `cat log.txt | grep -v DEBUG | cut -d' ' -f1 | sort | uniq -c | sort -rn`},
	{"ci/subshell-env", `X=outer; (X=inner; echo $X); echo $X`},
	{"ci/wc-files", `wc -l src/*.go | tail -1`},
	{"ci/test-and-mkdir", `[ -d out ] || mkdir out; [ -d out ] && echo ready`},
	{"ci/printf-table", `printf '%-8s %5s\n' name size; for f in a.txt b.txt; do printf '%-8s %5d\n' $f $(wc -c < $f); done`},
}

var errorCases = []ocase{
	{"err/cat-missing", `cat nope; echo $?`},
	{"err/cat-partial", `cat a.txt nope b.txt; echo $?`},
	{"err/head-missing", `head nope; echo $?`},
	{"err/wc-missing", `wc nope; echo $?`},
	{"err/cut-nolist", `cut a.txt; echo $?`},
	{"err/tr-missing-op", `echo x | tr; echo $?`},
	{"err/sort-bad-key", `sort -k 0 a.txt; echo $?`},
	{"err/seq-bad", `seq x; echo $?`},
	{"err/base64-bad", `echo '!!!' | base64 -d; echo $?`},
	{"err/grep-bad-re", `grep 'a\{1' a.txt; echo $?`},
	{"err/sed-unknown", `sed 'k' a.txt; echo $?`},
	{"err/awk-missing-file", `awk '{print}' nope; echo $?`},
	{"err/ls-opt", `ls --bogus; echo $?`},
	{"err/rm-noarg", `rm; echo $?`},
	{"err/mkdir-noarg", `mkdir; echo $?`},
	{"err/touch-noarg", `touch; echo $?`},
	{"err/cp-noarg", `cp a.txt; echo $?`},
	{"err/mv-noarg", `mv; echo $?`},
	{"err/ln-exists", `ln a.txt b.txt; echo $?`},
	{"err/tail-missing", `tail nope; echo $?`},
	{"err/uniq-missing", `uniq nope; echo $?`},
	{"err/tee-dir", `echo x | tee src; echo $?`},
	{"err/md5-missing", `md5sum nope; echo $?`},
	{"err/expr-nonnum", `expr a + 1; echo $?`},
	{"err/test-bad-num", `[ a -eq 1 ]; echo $?`},
	{"err/find-bad-primary", `find . -bogus; echo $?`},
	{"err/date-bad", `date -d 'not a date'; echo $?`},
	{"err/cd-missing", `cd nope; echo $?`},
	{"err/redirect-dir", `echo x > src; echo $?`},
	{"err/read-missing", `cat < nope; echo $?`},
	{"err/printf-missing-arg", `printf '%s %s\n' one`},
	{"err/dirname-noarg", `dirname; echo $?`},
	{"err/basename-noarg", `basename; echo $?`},
	{"err/stat-noarg", `stat; echo $?`},
}
