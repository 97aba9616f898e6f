#!/usr/bin/env bash
# Installs what unbert needs on Debian 12 or 13, makes an optimized BLAS the
# one LibTorch loads, then configures and builds into build/. Safe to re-run.
#   scripts/setup.sh                       # Debian's LibTorch (CPU)
#   scripts/setup.sh --packages-only       # install, do not build
#   UNBERT_CMAKE_ARGS="-DCMAKE_PREFIX_PATH=/opt/libtorch" scripts/setup.sh
#   UNBERT_BUILD_DIR=build-x scripts/setup.sh   # another build folder
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${UNBERT_BUILD_DIR:-build}

packages=(build-essential cmake pkg-config libsentencepiece-dev nlohmann-json3-dev
  libcli11-dev libspdlog-dev libgtest-dev libutf8proc-dev libzip-dev libopenblas0-openmp
  curl unzip python3-matplotlib  # download scripts; training curves
  zip shellcheck python3-protobuf  # script tests; TensorBoard files read by Google's protobuf
  libgloo-dev                    # multi-process training (c10d Gloo)
  clang)                         # fuzz targets (scripts/fuzz.sh)
# Debian's LibTorch, unless the build is pointed at another one (the official zip).
case "${UNBERT_CMAKE_ARGS:-}" in
  *CMAKE_PREFIX_PATH* | *Torch_DIR*) ;;
  *) packages+=(libtorch-dev) ;;
esac

can_be_root() {
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }
}
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

# Debian's LibTorch takes every matrix product from libblas.so.3; the
# reference implementation there is 10-15x slower than OpenBLAS. The OpenMP
# flavour shares LibTorch's thread pool instead of oversubscribing the cores.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null ||
  echo x86_64-linux-gnu)
blas_switches=()
blas_check() {
  blas_switches=()
  local lib wanted
  for lib in libblas.so.3 liblapack.so.3; do
    wanted=/usr/lib/$multiarch/openblas-openmp/$lib
    { [ -e "$wanted" ] || [ ${#missing[@]} -gt 0 ]; } || continue
    [ "$(readlink -f "/usr/lib/$multiarch/$lib")" = "$(readlink -f "$wanted")" ] ||
      blas_switches+=("update-alternatives --set $lib-$multiarch $wanted")
  done
}
blas_check

if ! can_be_root && [ ${#missing[@]} -gt 0 ]; then
  # One block an administrator can run as it is; then this script, as you.
  {
    echo "setup: these need root; ask an administrator to run:"
    echo "  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
    for switch in "${blas_switches[@]}"; do echo "  $switch"; done
    echo "setup: then run scripts/setup.sh again (as yourself; it builds without root)"
  } >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  missing=()
  blas_check
fi
for switch in "${blas_switches[@]}"; do
  if can_be_root; then
    echo "setup: making OpenBLAS (OpenMP) the system BLAS: $switch"
    # shellcheck disable=SC2086  # the command's words
    as_root $switch
  else
    echo "setup: warning: the system BLAS is not OpenBLAS, and matrix products will run 10-15x" \
      "slower; ask an administrator to run '$switch', or export" \
      "LD_LIBRARY_PATH=/usr/lib/$multiarch/openblas-openmp before running unbert" >&2
  fi
done

[ "${1:-}" = "--packages-only" ] && exit 0
# shellcheck disable=SC2086  # UNBERT_CMAKE_ARGS holds several words on purpose
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release ${UNBERT_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
echo "setup: built $build_dir/unbert"
