// Length-prefixed frames between unbert and a helper process
// (common/child_process.h): a 4-byte little-endian payload length, then the
// payload. Inside a payload numbers are 4-byte little-endian and strings are
// length + bytes. Header-only and free of LibTorch, so helpers include it too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace unbert::frame {

// A frame larger than this is a protocol error (encode batches stay far below).
constexpr uint32_t kMaxFrame = 1u << 30;

inline void put_u32(std::string* out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out->push_back(static_cast<char>(value >> shift));
}

inline void put_string(std::string* out, std::string_view text) {
  put_u32(out, static_cast<uint32_t>(text.size()));
  out->append(text);
}

// Reads from a payload front to back; any read past its end sets failed().
class Reader {
 public:
  explicit Reader(std::string_view payload) : rest_(payload) {}
  uint32_t u32() {
    if (rest_.size() < 4) return fail();
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(4);
    return value;
  }
  std::string_view string() {
    uint32_t size = u32();
    if (failed_ || rest_.size() < size) return fail(), std::string_view();
    std::string_view out = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return out;
  }
  char byte() {
    if (rest_.empty()) return static_cast<char>(fail());
    char out = rest_.front();
    rest_.remove_prefix(1);
    return out;
  }
  bool failed() const { return failed_; }
  bool at_end() const { return rest_.empty(); }

 private:
  uint32_t fail() {
    failed_ = true;
    rest_ = {};
    return 0;
  }
  std::string_view rest_;
  bool failed_ = false;
};

}  // namespace unbert::frame
