#!/bin/sh
# compare.sh runs loadserve built from two commits in alternating rounds
# and prints each metric's median over the rounds, with the single-row
# JSON peak as a ratio to the no-op ceiling of the same round.
#
#   bench/loadserve/compare.sh BEFORE WORKSPACE DATA [ROUNDS] [DURATION]
#
# BEFORE is a commit (e.g. 5f71342); the other binary is built from the
# working tree. Both use the working tree's bench/loadserve (the same
# client, phases and output), so only the server code differs. Run from the repository root. WORKSPACE and DATA as for
# loadserve (see BENCHMARKS.md, "Online scoring"). Logs go to $OUT
# (default /tmp/loadserve-compare).
set -eu
before=$1 ws=$2 data=$3 rounds=${4:-3} dur=${5:-10s}
out=${OUT:-/tmp/loadserve-compare}
phases=${PHASES:-noop,json-rate,json-peak,arrow}
mkdir -p "$out/src"
rm -rf "$out/src/before" && mkdir -p "$out/src/before"
git archive "$before" | tar -x -C "$out/src/before"
rm -rf "$out/src/before/bench/loadserve"
cp -R bench/loadserve "$out/src/before/bench/loadserve"
(cd "$out/src/before" && go build -o "$out/loadserve-before" ./bench/loadserve)
go build -o "$out/loadserve-after" ./bench/loadserve
for r in $(seq 1 "$rounds"); do
	for v in before after; do
		echo "round $r: $v" >&2
		nice -n 10 "$out/loadserve-$v" -workspace "$ws" -data "$data" -duration "$dur" -phases "$phases" >"$out/$v-$r.txt"
	done
done
for v in before after; do
	echo "$v (medians of $rounds rounds; logs in $out/$v-*.txt)"
	cat "$out"/$v-*.txt | awk -v rounds="$rounds" -f "$(dirname "$0")/summary.awk"
done
