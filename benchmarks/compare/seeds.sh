#!/usr/bin/env bash
# Spike statistics of the built-in benchmarks over several seeds (StatNeuro only), for comparison with Brian2's
# seed-to-seed spread in ../shared/anchors/brian2/results/summary.md.
# Usage: bash benchmarks/compare/seeds.sh [NSEEDS] [MODELS...]   (default 5; cuba cuba40k cobahh brunel)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-5}"; shift || true
MODELS=("$@"); [ ${#MODELS[@]} -eq 0 ] && MODELS=(cuba cuba40k cobahh brunel)
OUT="${OUT:-$PWD/seeds-out}"; mkdir -p "$OUT"
dotnet build "$ROOT/src/StatNeuro.Cli" -c Release -v q -nologo >&2
SN="$ROOT/src/StatNeuro.Cli/bin/Release/net10.0/StatNeuro.Cli"
: > "$OUT/seeds.jsonl"
for m in "${MODELS[@]}"; do
  for s in $(seq 1 "$N"); do
    "$SN" simulate "$m" --seed "$s" --threads 1 --no-plots --quiet --json --out "$OUT/$m-$s" | tr -d '\n' >> "$OUT/seeds.jsonl"
    echo >> "$OUT/seeds.jsonl"
  done
done
/usr/bin/python3 - "$OUT/seeds.jsonl" <<'PY'
import json, sys, statistics as st
ref = {'cuba': (5.61, 0.21, 0.524, 0.012), 'cuba40k': (5.66, 0.04, 0.523, 0.003),
       'cobahh': (36.03, 2.08, 1.961, 0.042), 'brunel': (37.08, 2.10, 0.408, 0.006)}
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print('| model | n | StatNeuro rate Hz | StatNeuro CV ISI | Brian2 rate Hz (10 seeds) | Brian2 CV | rate within 2 sd | CV within 2 sd |')
print('|---|---|---|---|---|---|---|---|')
for m in dict.fromkeys(r['model'] for r in rows):
    rs = [r['rate_hz'] for r in rows if r['model'] == m]; cs = [r['cv_isi'] for r in rows if r['model'] == m]
    mr, sr, mc, sc = st.mean(rs), st.stdev(rs) if len(rs) > 1 else 0, st.mean(cs), st.stdev(cs) if len(cs) > 1 else 0
    br, bsr, bc, bsc = ref.get(m, (float('nan'),) * 4)
    print(f"| {m} | {len(rs)} | {mr:.2f} ± {sr:.2f} | {mc:.3f} ± {sc:.3f} | {br:.2f} ± {bsr:.2f} | {bc:.3f} ± {bsc:.3f} | "
          f"{'yes' if abs(mr - br) <= 2 * bsr else 'NO'} | {'yes' if abs(mc - bc) <= 2 * bsc else 'NO'} |")
PY
