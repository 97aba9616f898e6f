#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan, in
# build-fuzz/) and runs each for SECONDS (default 60), starting from the
# seeded corpus in tests/fuzz/corpus/<target>/. Any crash, leak, sanitizer
# report, exception other than unbert::Error, or input taking over a second
# fails the run; the input that did it is left in build-fuzz/findings/.
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     (targets: behaviors news config weights
#                                                rank_file wordpiece; default all)
# A long run of one target: FUZZ_RUNS=10000000 scripts/fuzz.sh 3600 behaviors
# (stops at 10 M executions or after an hour, whichever comes first). FUZZ_TIMEOUT=S
# allows S seconds per input instead of 1, for runs that share the CPU with other work
# (the slowest input is printed either way).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=()
  for source in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name#fuzz_}")
  done
fi
command -v clang++ >/dev/null || { echo "error: clang++ not found (apt-get install clang)" >&2; exit 2; }
CXX=clang++ CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1" \
  -DUNBERT_FUZZ=ON -DUNBERT_BUILD_TESTS=OFF -DUNBERT_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/findings
status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "== fuzz_$target: ${seconds} s"
  if ! build-fuzz/fuzz/fuzz_"$target" "$corpus" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-1}" \
      -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 -runs="${FUZZ_RUNS:--1}" \
      -artifact_prefix=build-fuzz/findings/"$target"- 2>build-fuzz/fuzz_"$target".log; then
    status=1
    echo "fuzz_$target FAILED (log: build-fuzz/fuzz_$target.log; input: build-fuzz/findings/)" >&2
    tail -40 build-fuzz/fuzz_"$target".log >&2
  else
    grep -E "stat::number_of_executed_units|stat::slowest_unit_time_sec|stat::peak_rss_mb" \
      build-fuzz/fuzz_"$target".log || true
  fi
done
exit $status
