#!/bin/sh
# Checks exported refit models on ONNX Runtime against `refit predict` on
# the same rows, and times both in the same run (issue 19):
#
#   bench/peers/onnx/parity.sh REFIT DATA WORK MODEL.refit...
#
# REFIT is a refit binary, DATA a dataset with the models' input columns
# and delay (flights June), WORK a scratch directory. For each model:
# refit export (numeric input types from DATA's schema), refit predict
# keeping the input columns and delay, refit cat to CSV, then
# refitbench (refit's Predict, batch 1 and 1,024, preprocessing included)
# and parity.js (ONNX Runtime: parity, ROC AUC, the same timings).
# Then ROUNDS (default 3) more rounds of the timings alone, refit and ONNX
# Runtime (1 thread) alternating, so that load on the machine falls on
# both alike. Run `npm install --ignore-scripts` here first. Exits 1 if a
# check fails.
set -eu
refit=$(realpath "$1"); data=$(realpath "$2"); work=$(realpath "$3"); shift 3
here=$(cd "$(dirname "$0")" && pwd)
(cd "$here/refitbench" && go build -o "$work/refitbench" .)
status=0
for m in "$@"; do
  name=$(basename "$m" .refit)
  "$refit" export --model "$m" --data "$data" -o "$work/$name.onnx" | head -1
  "$refit" predict --model "$m" --data "$data" --keep date,delay,distance,origin,destination \
    -o "$work/$name.pred.parquet" 2>/dev/null
  "$refit" cat "$work/$name.pred.parquet" > "$work/$name.pred.csv"
  "$work/refitbench" -model "$m" -data "$data"
  node "$here/parity.js" "$work/$name.onnx" "$work/$name.pred.csv" || status=1
done
for r in $(seq "${ROUNDS:-3}"); do
  echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for m in "$@"; do
    name=$(basename "$m" .refit)
    "$work/refitbench" -model "$m" -data "$data"
    TIMING_ONLY=1 THREADS=1 node "$here/parity.js" "$work/$name.onnx" "$work/$name.pred.csv" || status=1
  done
done
exit $status
