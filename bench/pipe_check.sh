#!/usr/bin/env bash
# Does throughput depend on where stdout goes? Runs `unbert bench --json` with
# its output redirected to a file and piped into cat, alternating, keeps the
# best of the runs each way, and fails when any figure differs by more than
# the tolerance.
#   bench/pipe_check.sh [UNBERT] [TOLERANCE: 0.15 or 15%] -- [bench options]
#   bench/pipe_check.sh build/unbert 0.15 -- --shape tiny --seconds 3
set -euo pipefail
unbert=${1:-build/unbert}
tolerance=${2:-0.15}
case "$tolerance" in  # a fraction (0.15) or a percentage (15%)
  *%) tolerance=$(awk -v p="${tolerance%\%}" 'BEGIN { print p / 100 }') ;;
esac
if ! awk -v t="$tolerance" 'BEGIN { exit !(t > 0 && t < 1) }'; then
  echo "pipe_check.sh: tolerance '$2' must be a fraction between 0 and 1 (0.15) or a percentage (15%)" >&2
  exit 2
fi
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(--shape tiny --seconds 3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for round in 1 2; do
  "$unbert" bench "${options[@]}" --json >"$work/file.$round.json" 2>"$work/file.$round.err"
  "$unbert" bench "${options[@]}" --json 2>&1 | cat >"$work/pipe.$round.json"
done

python3 - "$work" "$tolerance" <<'PY'
import json, sys, glob
work, tolerance = sys.argv[1], float(sys.argv[2])
def best(kind):
    rates = {}
    for path in sorted(glob.glob(f"{work}/{kind}.*.json")):
        text = open(path).read()  # the piped runs carry stderr's lines first
        start = 0 if text.startswith("{") else text.index("\n{") + 1
        for p in json.loads(text[start:])["passes"]:
            key = f'{p["shape"]} {p["precision"]} {p["pass"]}'
            rates[key] = max(rates.get(key, 0), p["samples_per_s"])
    return rates
to_file, to_pipe = best("file"), best("pipe")
worst = 0
for key in to_file:
    a, b = to_file[key], to_pipe[key]
    gap = abs(a - b) / max(a, b)
    worst = max(worst, gap)
    print(f"{key:28s} file {a:9.2f}  pipe {b:9.2f} samples/s  gap {100 * gap:5.1f}%")
print(f"largest gap {100 * worst:.1f}% (tolerance {100 * tolerance:.0f}%)")
sys.exit(0 if worst <= tolerance else 1)
PY
