#!/usr/bin/env bash
# Developers only (after scripts/dev/make_devroot.sh): backtraces of the two crashes seen with LibTorch 2.11.
set -uo pipefail
D=$PWD/.devroot
export LD_LIBRARY_PATH=$D/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
B=/tmp/b
cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$TP;$D" \
  -DUNBERT_SHARED_DIR=$D/shared -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON > $OUT/cmake.log 2>&1 || { tail -20 $OUT/cmake.log; exit 1; }
cmake --build $B -j 16 > $OUT/build.log 2>&1 || { grep error $OUT/build.log | head; exit 1; }
echo BUILD OK
DBG=$(command -v cuda-gdb || command -v gdb || true); echo "debugger: $DBG"
timeout 60 $DBG -batch -ex run -ex bt --args $B/tests/unbert_tests --gtest_list_tests > $OUT/tests_bt.log 2>&1
grep -E "^#|signal|SIG" $OUT/tests_bt.log | head -25
SRC=$PWD
W=/tmp/w; mkdir -p $W; cd $W || exit 1
# shellcheck source=scripts/dev/gpu_workload.sh
source "$SRC/scripts/dev/gpu_workload.sh"
timeout 200 $DBG -batch -ex run -ex bt --args $B/unbert --log-level warn train --config gpu.json --device cuda > $OUT/train_bt.log 2>&1
grep -E "^#|signal|SIG|error" $OUT/train_bt.log | head -30
