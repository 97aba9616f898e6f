#!/usr/bin/env bash
# Developers only, on an accelerator box: narrows down the CUDA training crash
# (segfault after ~300 steps with LibTorch 2.11). Builds like gpu_check.sh,
# then trains the same workload several ways and reports each exit code
# (139 = segfault): SentencePiece in its own namespace (default), loaded plainly
# (UNBERT_SPM_ISOLATE=0), WordPiece (no plugin at all), and fp32 instead of bf16.
set -uo pipefail
# shellcheck source=scripts/dev/gpu_build.sh
source scripts/dev/gpu_build.sh
W=/tmp/w; mkdir -p $W; cd $W || exit 1
# shellcheck source=scripts/dev/gpu_workload.sh
source "$SRC/scripts/dev/gpu_workload.sh"
$B/unbert tokenizer train --config gpu.json > /dev/null 2>&1
$B/unbert config --config gpu.json > /dev/null || exit 1
wordpiece=(--set text.tokenizer=wordpiece --set "text.vocab=$D/shared/vocab/bert-base-uncased/vocab.txt"
  --set "text.nsep_token=[unused1]" --set data.cache_dir=cache_wp)
leg() {  # leg NAME [env...] -- [unbert train options...]
  local name=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  timeout 120 env "${envs[@]}" "$B/unbert" --log-level warn train --config gpu.json --device cuda \
    --run-dir "runs/$name" --set train.eval_every=100 "$@" > "$OUT/$name.log" 2>&1
  local code=$?
  echo "$name: exit $code, last step $(grep -o '"step":[0-9]*' "runs/$name/metrics.jsonl" 2>/dev/null | tail -1)"
}
leg spm_isolated --
leg spm_plain UNBERT_SPM_ISOLATE=0 --
leg wordpiece -- "${wordpiece[@]}"
leg spm_fp32 -- --set train.precision=fp32
for filter in '-*SentencePiece*:*Pipeline*:*Demo*' '*SentencePiece*'; do
  timeout 100 $B/tests/unbert_tests --gtest_brief=1 --gtest_filter="$filter" > "$OUT/tests.log" 2>&1
  echo "tests $filter: exit $?; $(tail -1 "$OUT/tests.log")"
done
