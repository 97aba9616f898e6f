#!/usr/bin/env bash
# Data-parallel training on this machine: the same run (generated MIND data,
# a small UNBERT, fp32, global batch 32) as 1 process with all cores, then as
# N ranks over Gloo sharing them, plus the process group's all-reduce rate.
#   scripts/bench_data_parallel.sh [RANKS] [STEPS]      (defaults: 2 and 40)
# Prints samples/s of each (mean over the logged steps after the first 5) and
# `unbert bench --comm`. Uses build/unbert; writes only under a temp folder.
set -euo pipefail
ranks=${1:-2}
steps=${2:-40}
unbert=$(cd "$(dirname "$0")/.." && pwd)/build/unbert
[ -x "$unbert" ] || { echo "error: $unbert not built (run scripts/setup.sh)" >&2; exit 2; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$unbert" synth --out data --users 1500 --news 200 --days 4 >/dev/null 2>&1
cat > bench.json <<JSON
{
  "name": "bench", "device": "cpu",
  "data": {"train_dir": "data/train", "dev_dir": "", "test_dir": "", "cache_dir": "cache"},
  "text": {"tokenizer": "sentencepiece", "spm_model": "titles.model", "spm_vocab_size": 1000,
           "max_history": 10, "max_seq_len": 160},
  "model": {"pretrained": "", "hidden_size": 128, "num_layers": 2, "num_heads": 2,
            "intermediate_size": 512, "random_init": "matching", "news_level": {"layers": 2}},
  "train": {"lr": 1e-3, "batch_size": 32, "micro_batch": 16, "epochs": 100,
            "max_steps": $steps, "log_every": 5, "keep": 1, "precision": "fp32"}
}
JSON
"$unbert" tokenizer train --config bench.json >/dev/null 2>&1
rate() {  # mean samples/s of the logged rows after step 5
  python3 -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if "samples_per_s" in l]
rows=[r["samples_per_s"] for r in rows if r["step"]>5]
print("%.1f" % (sum(rows)/len(rows)))' "$1"
}
"$unbert" --threads "$cores" train --config bench.json --run-dir one >/dev/null 2>&1
"$unbert" train --config bench.json --run-dir many --nproc-per-node "$ranks" >/dev/null 2>&1
echo "training, $steps steps of a global batch of 32 (hidden 128, 2 + 2 layers, fp32, $cores cores)"
printf '%-40s %10s\n' "layout" "samples/s"
printf '%-40s %10s\n' "1 process x $cores threads" "$(rate one/metrics.jsonl)"
printf '%-40s %10s\n' "$ranks ranks x $((cores / ranks > 0 ? cores / ranks : 1)) thread(s), Gloo over loopback" \
  "$(rate many/metrics.jsonl)"
echo
"$unbert" bench --comm --nproc-per-node "$ranks" --shape tiny --batch 16 --seq 160
