// SHA-256 (FIPS 180-4), for the run manifest's record of input files: the
// hash a user can compare with `sha256sum`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace unbert {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string hex_digest();  // 64 lower-case hex digits; ends the hash

 private:
  void block(const unsigned char* p);
  uint32_t h_[8];
  unsigned char buffer_[64];
  std::size_t buffered_ = 0;
  uint64_t length_ = 0;
};

std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::string& path);  // throws Error naming the path

}  // namespace unbert
