#include "unbert/common/hash.h"

#include <cstdio>

#include "unbert/common/mapped_file.h"

namespace unbert {

std::string hex64(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

uint64_t hash_file(const std::string& path) {
  return hash_bytes(MappedFile(path).text());
}

}  // namespace unbert
