#!/usr/bin/env bash
# Developers only: the whole GPU check as one command.
#
#   scripts/dev/gpu_check.sh prepare   on this (Debian) machine: gathers the headers,
#                                      libraries and CMake files of unbert's dependencies
#                                      and the shared fixtures into .devroot/ (git-ignored;
#                                      carry it to the GPU machine with the working tree)
#   scripts/dev/gpu_check.sh           on the GPU machine (CUDA, CMake and PyTorch 2.x):
#                                      builds against PyTorch's LibTorch, runs the full tests,
#                                      a 2,000-step bf16 training with SentencePiece at a
#                                      GPU-sized shape, eval, predict, bench, and data-parallel
#                                      training over NCCL (1 rank; 2 ranks and the all-reduce
#                                      bench with 2+ GPUs), and prints each stage's exit code
#                                      and figures
#
# Logs go under $LOGS (default $OUT/gpu_check when the device tool's $OUT is set, else
# ./gpu_check_logs). Stops within BUDGET seconds (default 570: one 10-minute device call).
# Dry run on a CPU box: DEVICE=cpu STEPS=20 BUILD=build BUDGET=120 scripts/dev/gpu_check.sh
# (BUILD skips the build).
set -uo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
D=$SRC/.devroot

prepare() {
  set -e
  local arch
  arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
  rm -rf "$D"
  mkdir -p "$D/include" "$D/lib/$arch/cmake" "$D/share/cmake" "$D/shared/golden"
  cp -r /usr/include/{nlohmann,CLI,spdlog,fmt,gtest,gmock} /usr/include/{utf8proc.h,zip.h} \
    /usr/include/sentencepiece_{processor,trainer}.h "$D/include/"
  dpkg -L libzip-dev | grep 'zipconf.h$' | xargs -I{} cp {} "$D/include/"
  for lib in libspdlog.so libfmt.so libutf8proc.so libzip.so libsentencepiece.so \
    libsentencepiece_train.so; do
    cp -a /usr/lib/"$arch"/$lib* "$D/lib/$arch/"
  done
  cp /usr/lib/"$arch"/lib{gtest,gmock}*.a "$D/lib/$arch/"
  cp -r /usr/lib/"$arch"/cmake/{spdlog,fmt,GTest} "$D/lib/$arch/cmake/"
  cp -r /usr/share/cmake/{CLI11,nlohmann_json} "$D/share/cmake/"
  cp -r ../shared/golden/{tiny-bert,tiny-bert-sharp,wordpiece} "$D/shared/golden/"
  cp -r ../shared/vocab "$D/shared/"
  grep -qx '/.devroot/' .git/info/exclude 2>/dev/null || echo '/.devroot/' >> .git/info/exclude
  du -sh "$D"
}

if [ "${1:-}" = prepare ]; then
  prepare
  exit
fi

LOGS=${LOGS:-${OUT:+$OUT/gpu_check}}
LOGS=${LOGS:-$SRC/gpu_check_logs}
DEVICE=${DEVICE:-cuda}
STEPS=${STEPS:-2000}
mkdir -p "$LOGS"
failures=0
BUDGET=${BUDGET:-570}  # the whole check stays inside one 10-minute device call
# stage NAME SECONDS command...: runs it with a time limit (cut to what is left
# of BUDGET), its output in $LOGS/NAME.log.
stage() {
  local name=$1 limit=$2
  shift 2
  local left=$((BUDGET - SECONDS))
  [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -le 0 ]; then
    failures=$((failures + 1))
    echo "== $name: skipped (the ${BUDGET} s budget is spent)"
    return
  fi
  local start=$SECONDS
  timeout "$limit" "$@" > "$LOGS/$name.log" 2>&1
  local code=$?
  [ $code -eq 0 ] || failures=$((failures + 1))
  echo "== $name: exit $code ($((SECONDS - start)) s; 124 = time limit, 139 = segfault)"
}

if [ -n "${BUILD:-}" ]; then
  B=$(cd "$BUILD" && pwd)
else
  [ -d "$D" ] || { echo "no .devroot: run 'scripts/dev/gpu_check.sh prepare' on the Debian machine first"; exit 2; }
  export LD_LIBRARY_PATH=$D/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
  TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)') || exit 2
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
  B=/tmp/unbert_gpu_build
  generator=(); command -v ninja > /dev/null && generator=(-G Ninja)
  stage configure 120 cmake -S . -B $B "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$TP;$D" -DUNBERT_SHARED_DIR="$D/shared" \
    -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON
  stage build 300 cmake --build $B -j "$(nproc)"
  [ -x $B/unbert ] || { grep -E "error" "$LOGS/build.log" | head -20; exit 1; }
fi

stage tests 150 "$B/tests/unbert_tests" --gtest_brief=1
tail -3 "$LOGS/tests.log"

W=$(mktemp -d)
cd "$W" || exit 1
"$B/unbert" synth --out data --users 2000 --news 300 --days 6 --seed 1 > "$LOGS/synth.log" 2>&1
cat > gpu.json <<JSON
{
  "data": {"train_dir": "data/train", "dev_dir": "data/dev", "test_dir": "data/test", "cache_dir": "cache"},
  "text": {"tokenizer": "sentencepiece", "spm_model": "spm/titles.model", "spm_vocab_size": 1000,
           "nsep_token": "[NSEP]"},
  "model": {"pretrained": "", "hidden_size": 256, "num_layers": 4, "num_heads": 4,
            "intermediate_size": 1024, "random_init": "matching", "news_level": {"layers": 2}},
  "train": {"lr": 5e-4, "batch_size": 128, "micro_batch": 128, "epochs": 100, "max_steps": $STEPS,
            "warmup_ratio": 0.1, "eval_every": 500, "log_every": 100, "precision": "bf16"},
  "eval": {"precision": "bf16"}
}
JSON
stage train 240 "$B/unbert" train --config gpu.json --device "$DEVICE"
grep -E "precision|valid|samples/s|done" "$LOGS/train.log" | tail -6
stage eval 90 "$B/unbert" eval --split dev --device "$DEVICE"
grep -E "AUC|impressions/s|UNBERT" "$LOGS/eval.log" | tail -3
stage predict 90 "$B/unbert" predict --split test --device "$DEVICE"
tail -2 "$LOGS/predict.log"
stage bench 120 "$B/unbert" bench --device "$DEVICE" --shape both --precision both --seconds 3
tail -7 "$LOGS/bench.log"
# Data parallel over NCCL: a 1-rank group on one GPU, 2 ranks where there are two or more.
GPUS=$(nvidia-smi -L 2>/dev/null | wc -l)
RANKS=$(( GPUS >= 2 ? 2 : 1 ))
stage dist_train 120 env RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 \
  MASTER_PORT=29531 "$B/unbert" train --config gpu.json --device "$DEVICE" --run-dir runs/dist1 \
  --set train.max_steps=50
grep -E "\[dist\]|done" "$LOGS/dist_train.log" | tail -3
if [ "$RANKS" -eq 2 ]; then
  stage dist_train2 150 "$B/unbert" train --config gpu.json --device auto --run-dir runs/dist2 \
    --set train.max_steps=50 --nproc-per-node 2
  grep -E "\[dist\]|done" "$LOGS/dist_train2.log" | tail -3
  stage dist_comm 60 "$B/unbert" bench --comm --nproc-per-node 2 --device auto
  tail -8 "$LOGS/dist_comm.log"
fi
rm -rf "$W"
echo "== $failures stage(s) failed; logs in $LOGS"
[ $failures -eq 0 ]
