#!/usr/bin/env bash
# Developers only, on an accelerator box, after scripts/dev/make_devroot.sh: builds
# unbert against the machine's LibTorch 2.x (CUDA), runs the tests there, then
# trains and evaluates on generated data on the GPU and benchmarks.
set -uo pipefail
# shellcheck source=scripts/dev/gpu_build.sh
source scripts/dev/gpu_build.sh
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
g++ --version | head -1; cmake --version | head -1
timeout 150 $B/tests/unbert_tests --gtest_brief=1 > "$OUT/tests.log" 2>&1; tail -12 "$OUT/tests.log"
W=/tmp/w; mkdir -p $W; cd $W || exit 1
# shellcheck source=scripts/dev/gpu_workload.sh
source "$SRC/scripts/dev/gpu_workload.sh"
timeout 170 $B/unbert train --config gpu.json --device cuda 2>&1 | grep -E "model\]|valid|samples/s|done|error" | tail -25
$B/unbert eval --split dev --by-day 2>&1 | tail -12
$B/unbert predict 2>&1 | tail -2
$B/unbert bench --device cuda --shape both --batch 32 --seconds 5 2>&1 | tail -6
