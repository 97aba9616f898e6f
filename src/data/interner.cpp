#include "unbert/data/interner.h"

#include "unbert/common/error.h"

namespace unbert {

namespace {
constexpr std::size_t kBlockBytes = 1 << 20;
}

uint32_t Interner::intern(std::string_view text) {
  auto found = index_.find(text);
  if (found != index_.end()) return found->second;
  UNBERT_CHECK(views_.size() < UINT32_MAX, "more than 4 billion distinct ids");
  if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < text.size()) {
    blocks_.emplace_back();
    blocks_.back().reserve(std::max(kBlockBytes, text.size()));
  }
  std::string& block = blocks_.back();
  std::size_t start = block.size();
  block.append(text);  // never reallocates: capacity was reserved above
  std::string_view stored(block.data() + start, text.size());
  auto index = static_cast<uint32_t>(views_.size());
  views_.push_back(stored);
  index_.emplace(stored, index);
  return index;
}

std::optional<uint32_t> Interner::find(std::string_view text) const {
  auto found = index_.find(text);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

void Interner::reserve(std::size_t n) {
  views_.reserve(n);
  index_.reserve(n);
}

uint32_t TextArena::add(std::string_view text) {
  bytes_.append(text);
  offsets_.push_back(bytes_.size());
  return static_cast<uint32_t>(offsets_.size() - 2);
}

}  // namespace unbert
