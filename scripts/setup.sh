#!/usr/bin/env bash
# Installs what unbert needs on Debian 12, makes an optimized BLAS the one
# LibTorch loads, then configures and builds into build/. Safe to re-run.
#   scripts/setup.sh                       # Debian's LibTorch (CPU)
#   UNBERT_CMAKE_ARGS="-DCMAKE_PREFIX_PATH=/opt/libtorch" scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libtorch-dev libsentencepiece-dev nlohmann-json3-dev
  libcli11-dev libspdlog-dev libgtest-dev libutf8proc-dev libzip-dev libopenblas0-openmp
  curl unzip python3-matplotlib  # download scripts; training curves
  zip shellcheck                 # script tests
  libgloo-dev                    # multi-process training (c10d Gloo)
  clang)                         # fuzz targets (scripts/fuzz.sh)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else
    echo "setup: needs root for: $*" >&2
    echo "setup: run it yourself (sudo $*), then run scripts/setup.sh again" >&2
    exit 1
  fi
}

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's LibTorch takes every matrix product from libblas.so.3; the
# reference implementation there is 10-15x slower than OpenBLAS. The OpenMP
# flavour shares LibTorch's thread pool instead of oversubscribing the cores.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for lib in libblas.so.3 liblapack.so.3; do
  wanted=/usr/lib/$multiarch/openblas-openmp/$lib
  [ -e "$wanted" ] || continue
  if [ "$(readlink -f "/usr/lib/$multiarch/$lib")" != "$(readlink -f "$wanted")" ]; then
    echo "setup: making OpenBLAS (OpenMP) the system $lib"
    as_root update-alternatives --set "$lib-$multiarch" "$wanted"
  fi
done

# shellcheck disable=SC2086  # UNBERT_CMAKE_ARGS holds several words on purpose
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${UNBERT_CMAKE_ARGS:-} >/dev/null
cmake --build build -j "$(nproc)"
echo "setup: built build/unbert"
