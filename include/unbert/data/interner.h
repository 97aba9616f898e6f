// String interning: each distinct string gets a dense uint32 index, and the
// bytes live in one arena (no heap string per entry).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace unbert {

class Interner {
 public:
  // Index of `text`, adding it when new.
  uint32_t intern(std::string_view text);
  std::optional<uint32_t> find(std::string_view text) const;
  std::string_view at(uint32_t index) const { return views_[index]; }
  std::size_t size() const { return views_.size(); }
  void reserve(std::size_t n);

 private:
  std::deque<std::string> blocks_;  // stable storage: views point into it
  std::vector<std::string_view> views_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

// Append-only text storage: one buffer plus offsets.
class TextArena {
 public:
  uint32_t add(std::string_view text);
  std::string_view at(uint32_t index) const {
    return std::string_view(bytes_).substr(offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  std::size_t size() const { return offsets_.size() - 1; }

 private:
  std::string bytes_;
  std::vector<uint64_t> offsets_{0};
};

}  // namespace unbert
