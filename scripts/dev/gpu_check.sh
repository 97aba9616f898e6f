#!/usr/bin/env bash
# Developers only, on an accelerator box, after scripts/dev/make_devroot.sh: builds
# unbert against the machine's LibTorch 2.x (CUDA), runs the tests there, then
# trains and evaluates on generated data on the GPU and benchmarks.
set -uo pipefail
D=$PWD/.devroot
export LD_LIBRARY_PATH=$D/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
g++ --version | head -1; cmake --version | head -1
B=/tmp/b
cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP;$D" \
  -DUNBERT_SHARED_DIR=$D/shared -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON > $OUT/cmake.log 2>&1 \
  || { tail -40 $OUT/cmake.log; exit 1; }
cmake --build $B -j 16 > $OUT/build.log 2>&1 || { grep -E "error" $OUT/build.log | head -30; tail -20 $OUT/build.log; exit 1; }
echo BUILD OK
timeout 150 $B/tests/unbert_tests --gtest_brief=1 > $OUT/tests.log 2>&1; tail -12 $OUT/tests.log
SRC=$PWD
W=/tmp/w; mkdir -p $W; cd $W || exit 1
# shellcheck source=scripts/dev/gpu_workload.sh
source "$SRC/scripts/dev/gpu_workload.sh"
timeout 170 $B/unbert train --config gpu.json --device cuda 2>&1 | grep -E "model\]|valid|samples/s|done|error" | tail -25
$B/unbert eval --split dev --by-day 2>&1 | tail -12
$B/unbert predict 2>&1 | tail -2
$B/unbert bench --device cuda --shape both --batch 32 --seconds 5 2>&1 | tail -6
