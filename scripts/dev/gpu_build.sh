#!/usr/bin/env bash
# Shared by the gpu_*.sh scripts (sourced): builds unbert into $B against the
# machine's LibTorch 2.x, with Debian's other libraries from .devroot.
# Build type: $BUILD_TYPE (default Release). Logs go to $OUT.
D=$PWD/.devroot
export LD_LIBRARY_PATH=$D/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
B=/tmp/b
export SRC=$PWD  # for the scripts that source this one
cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DCMAKE_PREFIX_PATH="$TP;$D" \
  -DUNBERT_SHARED_DIR="$D/shared" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON > "$OUT/cmake.log" 2>&1 \
  || { tail -40 "$OUT/cmake.log"; exit 1; }
cmake --build $B -j 16 > "$OUT/build.log" 2>&1 || { grep -E "error" "$OUT/build.log" | head -30; tail -20 "$OUT/build.log"; exit 1; }
echo BUILD OK
