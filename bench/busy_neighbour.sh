#!/usr/bin/env bash
# Throughput beside a busy neighbour: `unbert bench --shape tiny` alone and
# with one core taken by another process (`yes`, pinned to the last core),
# for each OpenMP wait setting given, alternated over ROUNDS rounds.
# usage: bench/busy_neighbour.sh [UNBERT] [ROUNDS] [SETTING ...]
#   SETTING: "default" or VAR=VALUE (e.g. OMP_WAIT_POLICY=PASSIVE, GOMP_SPINCOUNT=10000)
# Prints one line per run: setting, neighbour, pass, samples/s; then the share
# of the idle rate each setting keeps (median over rounds).
set -euo pipefail
unbert=${1:-build/unbert}
rounds=${2:-2}
shift $(( $# >= 2 ? 2 : $# ))
settings=("$@")
[ ${#settings[@]} -gt 0 ] || settings=(default)
cores=$(nproc)
neighbour=""
stop_neighbour() { [ -z "$neighbour" ] || kill "$neighbour" 2> /dev/null || true; neighbour=""; }
trap stop_neighbour EXIT
results=$(mktemp)
run() {  # setting, busy|idle
  local env=()
  [ "$1" = default ] || env=("$1")
  if [ "$2" = busy ]; then taskset -c $((cores - 1)) yes > /dev/null & neighbour=$!; fi
  env "${env[@]}" "$unbert" bench --shape tiny --precision fp32 --seconds 5 --json |
    python3 -c 'import json,sys
for p in json.load(sys.stdin)["passes"]: print(p["pass"], p["samples_per_s"])' |
    while read -r pass rate; do echo "$1 $2 $pass $rate" | tee -a "$results"; done
  stop_neighbour
}
for ((r = 1; r <= rounds; r++)); do
  for s in "${settings[@]}"; do run "$s" idle; run "$s" busy; done
done
python3 - "$results" <<'PY'
import collections, statistics, sys
rates = collections.defaultdict(list)
for line in open(sys.argv[1]):
    setting, load, pass_, rate = line.split()
    rates[(setting, pass_, load)].append(float(rate))
print("\nsetting pass idle busy kept")
for (setting, pass_, load) in sorted(rates):
    if load != "idle": continue
    idle = statistics.median(rates[(setting, pass_, "idle")])
    busy = statistics.median(rates[(setting, pass_, "busy")])
    print(f"{setting} {pass_} {idle:.1f} {busy:.1f} {100 * busy / idle:.0f}%")
PY
rm -f "$results"
