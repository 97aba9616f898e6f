// UTF-8 validity, for text that ends up inside JSON (configs, manifests):
// nlohmann::json refuses to write invalid UTF-8, so it is refused on entry.
#pragma once

#include <cstddef>
#include <string_view>

namespace unbert {

// The offset of the first byte that does not start a well-formed UTF-8
// sequence (overlongs, surrogates and values past U+10FFFF included), or
// std::string_view::npos when `text` is valid.
inline std::size_t invalid_utf8_at(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    if (length == 0 || i + length > n) return i;
    for (std::size_t k = 1; k < length; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return i;
    if (length == 2 && c < 0xC2) return i;                       // overlong
    if (length == 3 && c == 0xE0 && p[i + 1] < 0xA0) return i;   // overlong
    if (length == 3 && c == 0xED && p[i + 1] >= 0xA0) return i;  // surrogate
    if (length == 4 &&
        (c > 0xF4 || (c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] >= 0x90)))
      return i;
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace unbert
