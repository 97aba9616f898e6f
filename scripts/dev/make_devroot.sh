#!/usr/bin/env bash
# Developers only: gathers Debian's headers, libraries and CMake files of
# unbert's dependencies (and the shared fixtures) into .devroot/, so that a
# machine with only CUDA, CMake and PyTorch (an accelerator box) can build
# unbert against its own LibTorch 2.x: see scripts/dev/gpu_check.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=.devroot
A=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
rm -rf "$D"
mkdir -p "$D/include" "$D/lib/$A/cmake" "$D/share/cmake" "$D/shared/golden"
cp -r /usr/include/{nlohmann,CLI,spdlog,fmt,gtest,gmock} /usr/include/{utf8proc.h,zip.h} \
  /usr/include/sentencepiece_{processor,trainer}.h "$D/include/"
dpkg -L libzip-dev | grep 'zipconf.h$' | xargs -I{} cp {} "$D/include/"
for l in libspdlog.so libfmt.so libutf8proc.so libzip.so libsentencepiece.so libsentencepiece_train.so; do
  cp -a /usr/lib/"$A"/$l* "$D/lib/$A/"
done
cp /usr/lib/"$A"/lib{gtest,gmock}*.a "$D/lib/$A/"
cp -r /usr/lib/"$A"/cmake/{spdlog,fmt,GTest} "$D/lib/$A/cmake/"
cp -r /usr/share/cmake/{CLI11,nlohmann_json} "$D/share/cmake/"
cp -r ../shared/golden/{tiny-bert,tiny-bert-sharp,wordpiece} "$D/shared/golden/"
cp -r ../shared/vocab "$D/shared/"
grep -qx '/.devroot/' .git/info/exclude 2>/dev/null || echo '/.devroot/' >> .git/info/exclude
du -sh "$D"
