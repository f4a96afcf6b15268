#!/usr/bin/env bash
# One thread vs two threads of `statneuro simulate`, interleaved (1, 2, 1, 2, ...), 1 s of biological time.
#
# Usage: bash benchmarks/compare/threads.sh [MODELS...]      (default: cuba40k cobahh brunel)
#   REPS=5      repetitions per thread count; the minimum and the median of run_seconds (wall) are reported,
#               with run_cpu_seconds of the same runs
#   RT=1        run each process under SCHED_FIFO (chrt -f 10, needs root): emulates an idle machine when other
#               processes load the cores (each run then takes both cores for about a second)
#   PROFILE=1   also print the per-phase timers of the fused loop (STATNEURO_NET_PROFILE=1) for every run
# Build first: dotnet build -c Release src/StatNeuro.Cli
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/src/StatNeuro.Cli/bin/Release/net10.0/StatNeuro.Cli"
REPS="${REPS:-5}"
MODELS=("$@")
[ ${#MODELS[@]} -eq 0 ] && MODELS=(cuba40k cobahh brunel)
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
PREFIX=()
[ "${RT:-0}" = 1 ] && PREFIX=(chrt -f 10)
[ "${PROFILE:-0}" = 1 ] && export STATNEURO_NET_PROFILE=1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for m in "${MODELS[@]}"; do
  : > "$OUT/$m.tsv"
  for r in $(seq "$REPS"); do
    for t in 1 2; do
      "${PREFIX[@]}" "$BIN" simulate "$m" --seed 1 --threads "$t" --duration 1000 --no-plots --quiet --json --out "$OUT/run" >/dev/null
      python3 -c "import json,sys; d=json.load(open('$OUT/run/summary.json')); print($t, d['run_seconds'], d['run_cpu_seconds'], d['spike_count'])" >> "$OUT/$m.tsv"
    done
  done
  python3 - "$m" "$OUT/$m.tsv" <<'PY'
import sys, statistics
model, path = sys.argv[1], sys.argv[2]
rows = [l.split() for l in open(path)]
spikes = {r[3] for r in rows}
for t in ("1", "2"):
    wall = [float(r[1]) for r in rows if r[0] == t]
    cpu = [float(r[2]) for r in rows if r[0] == t]
    print(f"{model:8s} threads {t}: wall min {min(wall):.3f} median {statistics.median(wall):.3f} s, "
          f"cpu min {min(cpu):.3f} median {statistics.median(cpu):.3f} s  ({len(wall)} runs)")
w1 = min(float(r[1]) for r in rows if r[0] == "1"); w2 = min(float(r[1]) for r in rows if r[0] == "2")
print(f"{model:8s} wall(2)/wall(1) of the minima: {w2 / w1:.2f}; spikes identical: {len(spikes) == 1}")
PY
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
