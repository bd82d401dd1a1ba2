#!/usr/bin/env bash
# Measures what sharding through Slurm costs, on the cluster sbatch talks to
# (deploy/slurm/local-cluster.sh up for this machine):
#
#   1. wall time of 'hardness run' on a random 3-SAT formula (v = 30,
#      m/v = 4.26, seed 1) unsharded, then through Slurm with K = 2 and
#      K = 8 shards (one CPU per task), from submission to the merged report;
#   2. submit-to-merge latency for K = 64 trivial shards (v = 14).
#
# Usage: deploy/slurm/bench.sh [HARDNESS] [WORKDIR]
#   HARDNESS  the hardness binary (default: hardness on PATH)
#   WORKDIR   where formulas and run directories go (default: a new
#             directory under /tmp; on a real cluster, a shared one)
# Prints one line per measurement, with the load average next to it.
set -euo pipefail
H=$(command -v "${1:-hardness}")
W=${2:-$(mktemp -d /tmp/hardness-bench.XXXXXX)}
mkdir -p "$W"

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# sharded NAME FILE K: submit, wait for the report, print the wall time and
# the shards' total CPU from the merged report.
sharded() {
	local name=$1 file=$2 k=$3 dir="$W/k$3" t0
	rm -rf "$dir"
	t0=$(now)
	"$H" slurm run "$file" --shards "$k" --out "$dir" --json >/dev/null
	while [ ! -e "$dir/report.json" ]; do sleep 0.1; done
	printf '%-28s %8s s wall  (shards: %s s CPU in total; verdict %s)  load %s\n' "$name" "$(since "$t0")" \
		"$(sed -n 's/.*"total_cpu_seconds": \([0-9.]*\).*/\1/p' "$dir/report.json" | head -1)" \
		"$(sed -n 's/^  "verdict": "\(.*\)".*/\1/p' "$dir/report.json" | head -1)" "$(load)"
}

"$H" gen cnf --vars 30 --ratio 4.26 --seed 1 -o "$W/v30.cnf" 2>/dev/null
"$H" gen cnf --vars 14 --ratio 4.26 --seed 1 -o "$W/v14.cnf" 2>/dev/null

TIMEFORMAT='%R %U %S'
rus=$({ time "$H" run "$W/v30.cnf" >/dev/null 2>&1 || true; } 2>&1) # a disagreement (exit 1) is still timed
printf '%-28s %8s s wall  (%s s CPU; all cores, no Slurm)  load %s\n' "v=30 unsharded" "$(echo "$rus" | awk '{ printf "%.1f", $1 }')" \
	"$(echo "$rus" | awk '{ printf "%.1f", $2 + $3 }')" "$(load)"
sharded "v=30 K=2 via Slurm" "$W/v30.cnf" 2
sharded "v=30 K=8 via Slurm" "$W/v30.cnf" 8
sharded "v=14 K=64 via Slurm" "$W/v14.cnf" 64
echo "run directories in $W"
