#!/usr/bin/env bash
# Developers only (after scripts/dev/make_devroot.sh): backtraces of the two crashes seen with LibTorch 2.11.
set -uo pipefail
BUILD_TYPE=RelWithDebInfo
# shellcheck source=scripts/dev/gpu_build.sh
source scripts/dev/gpu_build.sh
DBG=$(command -v cuda-gdb || command -v gdb || true); echo "debugger: $DBG"
timeout 60 "$DBG" -batch -ex run -ex bt --args $B/tests/unbert_tests --gtest_list_tests > "$OUT/tests_bt.log" 2>&1
grep -E "^#|signal|SIG" "$OUT/tests_bt.log" | head -25
W=/tmp/w; mkdir -p $W; cd $W || exit 1
# shellcheck source=scripts/dev/gpu_workload.sh
source "$SRC/scripts/dev/gpu_workload.sh"
timeout 200 "$DBG" -batch -ex run -ex bt --args $B/unbert --log-level warn train --config gpu.json --device cuda > "$OUT/train_bt.log" 2>&1
grep -E "^#|signal|SIG|error" "$OUT/train_bt.log" | head -30
