#!/usr/bin/env bash
# Installs and builds (scripts/setup.sh), then runs the whole test suite.
# UNBERT_BUILD_DIR picks the build folder (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd "${UNBERT_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" "$@"
