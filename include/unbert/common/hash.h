// Stable 64-bit FNV-1a hashing for cache keys and file identities.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace unbert {

constexpr uint64_t kHashSeed = 14695981039346656037ULL;

inline uint64_t hash_bytes(std::string_view bytes, uint64_t hash = kHashSeed) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

template <class T>
uint64_t hash_value(const T& value, uint64_t hash) {
  return hash_bytes(std::string_view(reinterpret_cast<const char*>(&value), sizeof value), hash);
}

std::string hex64(uint64_t value);            // 16 lower-case hex digits
uint64_t hash_file(const std::string& path);  // throws Error when unreadable

}  // namespace unbert
