#!/usr/bin/env bash
# Regenerates the reference suite (bench/suite-ref), runs six methods on it
# and scores them into bench/suite-ref-scores: exact attention, the
# polynomial method at two budgets, Performer at two feature counts (all
# with `hardness attention`, whose --json report carries the certified error
# bound that `hardness score` checks), and the NumPy random-feature method
# of examples/score_suite.py. Run from the repository root:
#
#   go build -o hardness ./cmd/hardness && examples/reference.sh ./hardness
#
# The arrays (Q.npy, K.npy, V.npy) and the outputs are not committed;
# suite.TestReferenceSuite regenerates the suite and checks it byte for byte.
set -euo pipefail
H=${1:-hardness}
S=bench/suite-ref
OUT=${OUT:-/tmp/suite-ref-outputs}
"$H" gen suite --routes ov --n 256 --gap 0.3 --density 0.75 --c auto,2.5,3,4,6 --count 8 --seed 2026 -o "$S"
rm -rf "$OUT" && mkdir -p "$OUT"
method() { # NAME ALGO-FLAGS...
  local name=$1; shift
  mkdir -p "$OUT/$name"
  for d in "$S"/ov-*/; do
    id=$(basename "$d")
    if ! "$H" attention --q "$d/Q.npy" --k "$d/K.npy" --v "$d/V.npy" "$@" --json -o "$OUT/$name/$id.npy" \
        >"$OUT/$name/$id.json" 2>"$OUT/$name/$id.err"; then
      # The method refused or failed: record why; hardness score counts it wrong.
      /usr/bin/python3 -c 'import json,sys; print(json.dumps({"error": open(sys.argv[1]).read().strip().splitlines()[-1]}))' \
        "$OUT/$name/$id.err" >"$OUT/$name/$id.json"
    fi
  done
}
method exact --algo exact
method poly-g4 --algo poly --degree 4
method poly-g6 --algo poly --degree 6
method performer-64 --algo performer --features 64 --seed 1
method performer-1024 --algo performer --features 1024 --seed 1
/usr/bin/python3 examples/score_suite.py "$S" "$OUT/numpy-rf-256" --method rf --features 256 --seed 1 --name numpy-rf-256 --no-score
"$H" score --suite "$S" --report bench/suite-ref-scores \
  --outputs exact="$OUT/exact" --outputs poly-g4="$OUT/poly-g4" --outputs poly-g6="$OUT/poly-g6" \
  --outputs performer-64="$OUT/performer-64" --outputs performer-1024="$OUT/performer-1024" \
  --outputs numpy-rf-256="$OUT/numpy-rf-256" || test $? = 1
