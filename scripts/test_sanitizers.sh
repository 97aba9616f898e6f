#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own
# build folder (build-sanitize/, or UNBERT_BUILD_DIR; run scripts/setup.sh
# first for the packages).
# The whole suite runs except the slow demo (the learning test of the same
# code paths runs in scripts/test.sh): tokenizer and SentencePiece helper,
# training and resume, eval, checkpoints, the CLI. Any report fails the run.
#   scripts/test_sanitizers.sh [ctest options]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${UNBERT_BUILD_DIR:-build-sanitize}
# -O0 -g1: line numbers in reports; the build takes as long as a Release one
# (-O1 with UBSan compiles 2.5x slower), and the heavy lifting is LibTorch's.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O0 -g1" -DUNBERT_SANITIZE=ON \
  -DUNBERT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
# LibTorch and OpenMP keep process-lifetime allocations that LeakSanitizer
# would list; the suppressions name only those libraries.
export ASAN_OPTIONS=abort_on_error=1:detect_stack_use_after_return=0
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" -LE slow "$@"
