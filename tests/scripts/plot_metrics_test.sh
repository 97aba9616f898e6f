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
for name in loss lr valid_auc; do
  [ "$(head -c 4 "$work/run/$name.png" | tail -c 3)" = PNG ] || { echo "FAIL: no $name.png" >&2; exit 1; }
  [ "$(head -c 4 "$work/run/$name.pdf")" = %PDF ] || { echo "FAIL: no $name.pdf" >&2; exit 1; }
done

# Two runs in one figure each, the validation subset's size in the title.
mkdir -p "$work/other"
cat > "$work/other/metrics.jsonl" <<'JSONL'
{"epoch":1,"loss":0.6,"lr":0.001,"samples_per_s":400,"step":20}
{"valid":{"auc":0.6,"impressions":30,"mrr":0.2,"ndcg@10":0.3,"ndcg@5":0.25},"epoch":1,"step":20}
JSONL
"$python" "$script" "$work/run" "$work/other" --out "$work/both" > "$work/list"
[ "$(wc -l < "$work/list")" = 6 ] || { echo "FAIL: overlay wrote $(cat "$work/list")" >&2; exit 1; }
"$python" - "$script" "$work/run" "$work/other" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("plot", sys.argv[1])
plot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot)
runs = [(d, *plot.read_metrics(d + "/metrics.jsonl")) for d in sys.argv[2:]]
title = plot.subset_title(runs)
assert title == "dev/valid AUC (30 impressions)", title
PY

# Figure 4 from eval --by-day.
mkdir -p "$work/run/eval/dev"
cat > "$work/run/eval/dev/metrics.json" <<'JSON'
{"auc": 0.6, "by_day": [
  {"day": "11/12/2019", "auc": 0.61, "impressions": 20, "unseen_share": 0.4},
  {"day": "11/13/2019", "auc": 0.58, "impressions": 25, "unseen_share": 0.7}]}
JSON
"$python" "$script" --by-day "$work/run" --out "$work/fig4" > /dev/null
[ "$(head -c 4 "$work/fig4/by_day.pdf")" = %PDF ] || { echo "FAIL: no by_day.pdf" >&2; exit 1; }
code=0
"$python" "$script" --by-day "$work/other" 2> "$work/err" || code=$?
[ "$code" = 2 ] && grep -q "no metrics.json" "$work/err" || { echo "FAIL: $(cat "$work/err")" >&2; exit 1; }

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
