#!/usr/bin/env bash
# Side-by-side: one Hodgkin–Huxley neuron, 1 s at dt = 0.01 ms (100 000 steps), I = 10 uA/cm², spikes only,
# in Brian2 2.5.1 (cpp_standalone and cython, from Debian) and in StatNeuro, in one run on this machine.
# Prints main-loop seconds and StatNeuro/Brian2 ratios of CPU seconds (both sides' loops are CPU-timed; wall shown too). Brian2's loop time is process CPU time (its own timer);
# StatNeuro's is the wall and CPU time of NeuronSimulation.Run (summary.json run_seconds / run_cpu_seconds),
# best of 3 runs each. Usage: bash benchmarks/compare/single_neuron.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
anchors="$root/../shared/anchors/brian2/single"
if [ ! -f "$anchors/hh_brian2.py" ]; then
  echo "skip: ../shared/anchors/brian2 is not present (the side-by-side scripts live there)"; exit 0
fi
if ! /usr/bin/python3 -c "import brian2" 2>/dev/null; then
  echo "installing Brian2 from Debian (python3-brian) ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-brian python3-brian-lib cython3 g++ python3-sympy python3-scipy >/dev/null
fi
cd "$root"
dotnet build -c Release src/StatNeuro.Cli -v q >/dev/null
cli=(dotnet "$root/src/StatNeuro.Cli/bin/Release/net10.0/StatNeuro.Cli.dll")
tmp=$(mktemp -d)
printf "%-18s %-8s %14s %14s %14s %10s\n" method target brian2_loop_s statneuro_s statneuro_cpu_s ratio
for pair in "exponential_euler exp-euler" "rk4 rk4"; do
  set -- $pair
  b2m=$1; snm=$2
  sn_best=""; sn_cpu_best=""
  for k in 1 2 3; do
    "${cli[@]}" neuron --model hh --current 10 --duration 1000 --dt 0.01 --method "$snm" --record-every 100000 --json --quiet --out "$tmp/sn" > "$tmp/sn.json"
    s=$(/usr/bin/python3 -c "import json;d=json.load(open('$tmp/sn.json'));print(d['run_seconds'], d['run_cpu_seconds'])")
    set -- $s
    if [ -z "$sn_best" ] || /usr/bin/python3 -c "import sys; sys.exit(0 if $1 < $sn_best else 1)"; then sn_best=$1; sn_cpu_best=$2; fi
  done
  for target in cpp cython; do
    line=$(cd "$anchors" && /usr/bin/python3 hh_brian2.py timing $target $b2m 0.01 2>/dev/null | grep '^RESULT ' | sed 's/^RESULT //')
    b2=$(/usr/bin/python3 -c "import json,sys;d=json.loads(sys.argv[1]);r=d.get('mainloop_reruns_s');print(min(r) if r else d['mainloop_s'])" "$line")
    ratio=$(/usr/bin/python3 -c "print(f'{$sn_cpu_best/$b2:.3f}')")
    printf "%-18s %-8s %14s %14.4f %14.4f %10s\n" "$b2m" "$target" "$b2" "$sn_best" "$sn_cpu_best" "$ratio"
  done
done
rm -rf "$tmp"
