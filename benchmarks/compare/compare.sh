#!/usr/bin/env bash
# Side-by-side network benchmarks: StatNeuro `simulate` vs Brian2 2.5.1 cpp_standalone, in one run on one machine.
#
# Usage: bash benchmarks/compare/compare.sh [MODELS...]        (default: cuba cuba40k cobahh brunel)
#   REPS=3        StatNeuro repetitions per model (minimum CPU time is reported)
#   BRIAN_RERUN=2 extra executions of the compiled Brian2 binary (minimum main-loop CPU time is reported)
#   REPS2=3       StatNeuro repetitions with 2 threads (minimum wall time is reported)
#   OUT=...       working folder (default: ./compare-out)
#   BRIAN_FROM=F  do not run Brian2; take its rows from an earlier results.jsonl F (say so when quoting ratios)
#
# Brian2 comes from Debian (installed here if missing, needs root):
#   apt-get install -y python3-brian python3-brian-lib cython3 g++ python3-sympy python3-scipy
# and is driven by ../shared/anchors/brian2/bench_net.py (run with /usr/bin/python3, not a pyenv python).
# Times compared are CPU seconds of the simulation loop, single thread, 1 s of biological time at dt = 0.1 ms:
# Brian2's std::clock() main-loop timer and StatNeuro's run_cpu_seconds. Build times are reported separately.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHOR="$ROOT/../shared/anchors/brian2"
OUT="${OUT:-$PWD/compare-out}"
REPS="${REPS:-3}"
BRIAN_RERUN="${BRIAN_RERUN:-2}"
REPS2="${REPS2:-3}"
BRIAN_FROM="${BRIAN_FROM:-}"
MODELS=("$@")
[ ${#MODELS[@]} -eq 0 ] && MODELS=(cuba cuba40k cobahh brunel)
mkdir -p "$OUT"

if [ -z "$BRIAN_FROM" ] && ! /usr/bin/python3 -c "import brian2" 2>/dev/null; then
  echo "installing Brian2 from Debian (python3-brian) ..." >&2
  apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y python3-brian python3-brian-lib cython3 g++ python3-sympy python3-scipy >&2
fi
[ -n "$BRIAN_FROM" ] || [ -f "$ANCHOR/bench_net.py" ] || { echo "missing $ANCHOR/bench_net.py" >&2; exit 2; }

echo "building StatNeuro (Release) ..." >&2
dotnet build "$ROOT/src/StatNeuro.Cli" -c Release -v q -nologo >&2
SN="$ROOT/src/StatNeuro.Cli/bin/Release/net10.0/StatNeuro.Cli"

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
for m in "${MODELS[@]}"; do
  if [ -n "$BRIAN_FROM" ]; then
    grep '"tool":"brian2"' "$BRIAN_FROM" | grep "\"model\": \"$m\"" >> "$RESULTS" || echo "[$m] no Brian2 row in $BRIAN_FROM" >&2
  else
    echo "[$m] Brian2 cpp_standalone (compile + $BRIAN_RERUN re-runs) ..." >&2
    /usr/bin/python3 "$ANCHOR/bench_net.py" "$m" cpp --seed 1 --rerun "$BRIAN_RERUN" --builddir "$OUT/brian2-$m" \
      | grep '^RESULT ' | sed "s/^RESULT /{\"tool\":\"brian2\",\"run\":/; s/\$/}/" >> "$RESULTS"
  fi
  for t in 1 2; do
    reps=$REPS; [ "$t" = 2 ] && reps=$REPS2
    for r in $(seq 1 "$reps"); do
      echo "[$m] StatNeuro threads=$t rep $r ..." >&2
      "$SN" simulate "$m" --seed 1 --threads "$t" --duration 1000 --no-plots --quiet --out "$OUT/sn-$m-$t" --json \
        | tr -d '\n' | sed "s/^/{\"tool\":\"statneuro\",\"model\":\"$m\",\"run\":/; s/\$/}\n/" >> "$RESULTS"
    done
  done
done

/usr/bin/python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
models = []
for r in rows:
    m = r['run']['model'] if r['tool'] == 'brian2' else r['model']
    if m not in models:
        models.append(m)
print('| model | Brian2 cpp loop CPU s (min) | StatNeuro loop CPU s, 1 thread (min) | ratio | StatNeuro wall s 1 thr / 2 thr | Brian2 spikes / rate Hz / CV | StatNeuro spikes / rate Hz / CV | synapses B2 / SN | StatNeuro build s | Brian2 make s |')
print('|---|---|---|---|---|---|---|---|---|---|')
for m in models:
    b = [r['run'] for r in rows if r['tool'] == 'brian2' and r['run']['model'] == m]
    s1 = [r['run'] for r in rows if r['tool'] == 'statneuro' and r['model'] == m and r['run']['threads'] == 1]
    s2 = [r['run'] for r in rows if r['tool'] == 'statneuro' and r['model'] == m and r['run']['threads'] == 2]
    if not b or not s1:
        continue
    b = b[0]
    loops = [b['mainloop_s']] + [x['mainloop_s'] for x in b.get('reruns', [])]
    bl = min(loops)
    sl = min(x['run_cpu_seconds'] for x in s1)
    w1 = min(x['run_seconds'] for x in s1)
    w2 = min(x['run_seconds'] for x in s2) if s2 else float('nan')
    s = s1[0]
    print(f"| {m} | {bl:.3f} | {sl:.3f} | **{sl / bl:.2f}** | {w1:.2f} / {w2:.2f} | {b['spikes']} / {b['rate_all_hz']:.2f} / {b['mean_cv_isi']:.3f} | "
          f"{s['spike_count']} / {s['rate_hz']:.2f} / {s['cv_isi']:.3f} | {b['n_syn']} / {s['synapse_count']} | {s['build_seconds']:.2f} | {b['make_s']:.1f} |")
with open('/proc/loadavg') as f:
    print(f"\nloadavg at the end: {' '.join(f.read().split()[:3])}")
PY
