#!/usr/bin/env bash
# scripts/plot_metrics.py on a small metrics.jsonl: the three PNGs, and one
# error line with file:line for a broken row.
# usage: plot_metrics_test.sh REPO_ROOT   (exit 77 = skipped: no matplotlib)
set -euo pipefail
script=$1/scripts/plot_metrics.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c "import matplotlib" 2> /dev/null; then python=$candidate; break; fi
done
if [ -z "$python" ]; then echo "skipped: no Python 3 with matplotlib"; exit 77; fi

mkdir -p "$work/run"
cat > "$work/run/metrics.jsonl" <<'JSONL'
{"epoch":1,"loss":0.69,"lr":0.0005,"samples_per_s":400,"step":10}
{"epoch":1,"loss":0.52,"lr":0.001,"samples_per_s":410,"step":20}
{"dev":{"auc":0.55,"impressions":30,"mrr":0.2,"ndcg@10":0.3,"ndcg@5":0.25},"epoch":1,"step":20}
{"epoch":1,"loss":0.40,"lr":0.0005,"samples_per_s":405,"step":30}
{"dev":{"auc":0.71,"impressions":30,"mrr":0.3,"ndcg@10":0.4,"ndcg@5":0.35},"epoch":1,"step":30}
JSONL
"$python" "$script" "$work/run"
for png in loss lr dev_auc; do
  [ "$(head -c 4 "$work/run/$png.png" | tail -c 3)" = PNG ] || { echo "FAIL: no $png.png" >&2; exit 1; }
done

echo '{"step": 40, "loss":' >> "$work/run/metrics.jsonl"
code=0
"$python" "$script" "$work/run" 2> "$work/err" || code=$?
[ "$code" = 2 ] || { echo "FAIL: a broken row exited $code, expected 2" >&2; exit 1; }
grep -q "metrics.jsonl:6: not JSON" "$work/err" || { echo "FAIL: $(cat "$work/err")" >&2; exit 1; }
code=0
"$python" "$script" "$work/missing" 2> "$work/err" || code=$?
if [ "$code" != 2 ] || ! grep -q "not found" "$work/err"; then
  echo "FAIL: a missing run exited $code: $(cat "$work/err")" >&2
  exit 1
fi
echo "plot_metrics: all checks passed"
