#!/usr/bin/env bash
# Developers only: the same benchmarks on Debian 12 (LibTorch 1.13, build/) and on
# Debian 13 (LibTorch 2.6, build-debian13/ in the chroot of scripts/test_debian13.sh),
# alternated in one window so that the two columns are comparable. Needs root (the
# chroot); builds what is missing (Release: unbert, unbert-spm, bench_attention).
# BUILD12 names another Debian 12 build folder (any path); BUILD13 another one of the
# checkout for Debian 13 (relative: the checkout sits elsewhere inside the chroot).
#   scripts/dev/bench_platforms.sh [ROUNDS, default 2] [PARTS, default "attention tiny base demo"]
# Prints every figure as measured, each line tagged with its platform and round; the
# demo lines are its wall time and the dev metrics of its last evaluation.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
parts=${2:-attention tiny base demo}
targets="unbert unbert_spm bench_attention"
build12=${BUILD12:-build}
build13=${BUILD13:-build-debian13}

build_here() {
  [ -x "$build12/unbert" ] && [ -x "$build12/bench/bench_attention" ] && return
  cmake -S . -B "$build12" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build12" -j "$(nproc)" --target $targets >/dev/null
}
build_there() {
  scripts/test_debian13.sh --run "[ -x $build13/unbert ] && [ -x $build13/bench/bench_attention ] ||
    { cmake -S . -B $build13 -DCMAKE_BUILD_TYPE=Release >/dev/null &&
      cmake --build $build13 -j \$(nproc) --target $targets >/dev/null; }" >/dev/null
}

# One part on one platform: $1 = build folder, $2 = part.
part_command() {
  case $2 in
    attention) echo "$1/bench/bench_attention 2 cpu" ;;
    tiny | base) echo "$1/unbert --threads 2 bench --shape $2 --precision both --seconds 3" ;;
    demo) echo "d=\$(mktemp -d) && s=\$EPOCHREALTIME && $1/unbert demo --out \$d/demo --no-plot >\$d/log 2>&1;
      rc=\$?; awk -v s=\$s -v e=\$EPOCHREALTIME -v rc=\$rc 'BEGIN { printf \"demo exit %d, %.1f s\\n\", rc, e - s }';
      grep -h 'dev' \$d/log | tail -2; rm -rf \$d" ;;
  esac
}

build_here
build_there
for ((round = 1; round <= rounds; round++)); do
  for part in $parts; do
    # Alternate which platform goes first, so neither always runs on a warmer machine.
    if ((round % 2)); then order="12 13"; else order="13 12"; fi
    for platform in $order; do
      if [ "$platform" = 12 ]; then
        out=$(bash -c "$(part_command "$build12" "$part")" 2>&1 | cat)
      else
        out=$(scripts/test_debian13.sh --run "$(part_command "$build13" "$part")" 2>&1 |
          grep -v '^test_debian13:' | cat)
      fi
      sed "s/^/debian$platform round$round $part | /" <<<"$out"
    done
  done
done
