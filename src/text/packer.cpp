#include "unbert/text/packer.h"

#include <algorithm>

namespace unbert {

void PackedSequence::clear() {
  token_ids.clear();
  segment_ids.clear();
  news_segment_ids.clear();
  news_index.clear();
  separator_positions.clear();
}

Packer::Packer(const NewsTokens& tokens, const SpecialTokens& special, const TextConfig& text)
    : tokens_(tokens),
      special_(special),
      max_title_(static_cast<std::size_t>(text.max_title_tokens)),
      max_history_(
          static_cast<std::size_t>(std::min(text.max_history, text.max_news_segments - 2))),
      max_seq_len_(static_cast<std::size_t>(text.max_seq_len)) {}

std::size_t Packer::title_length(uint32_t news) const {
  return std::min(tokens_[news].size(), max_title_);
}

std::size_t Packer::first_kept(std::size_t candidate_length, Span<uint32_t> history) const {
  std::size_t first = history.size() > max_history_ ? history.size() - max_history_ : 0;
  std::size_t total = 3 + candidate_length;  // [CLS] candidate [SEP] ... [SEP]
  for (std::size_t i = first; i < history.size(); ++i) total += 1 + title_length(history[i]);
  while (total > max_seq_len_ && first < history.size())
    total -= 1 + title_length(history[first++]);
  return first;
}

std::size_t Packer::packed_length(uint32_t candidate, Span<uint32_t> history) const {
  std::size_t candidate_length = title_length(candidate);
  std::size_t total = 3 + candidate_length;
  for (std::size_t i = first_kept(candidate_length, history); i < history.size(); ++i)
    total += 1 + title_length(history[i]);
  return total;
}

void Packer::pack(uint32_t candidate, Span<uint32_t> history, PackedSequence* out) const {
  out->clear();
  auto emit = [out](int32_t token, int32_t segment, int32_t news_segment, int32_t news) {
    out->token_ids.push_back(token);
    out->segment_ids.push_back(segment);
    out->news_segment_ids.push_back(news_segment);
    out->news_index.push_back(news);
  };
  // A news with an empty title is represented by its separator token.
  auto emit_news = [&](int32_t separator, int32_t segment, int32_t news_segment, int32_t slot,
                       uint32_t news, bool separator_in_news_segment) {
    Span<int32_t> words = tokens_[news];
    std::size_t length = std::min(words.size(), max_title_);
    out->separator_positions.push_back(static_cast<int32_t>(out->length()));
    emit(separator, segment, separator_in_news_segment ? news_segment : 0, length == 0 ? slot : -1);
    for (std::size_t i = 0; i < length; ++i) emit(words[i], segment, news_segment, slot);
  };
  std::size_t first = first_kept(title_length(candidate), history);
  emit_news(special_.cls, 0, 1, 0, candidate, /*separator_in_news_segment=*/false);
  emit(special_.sep, 0, 0, -1);
  for (std::size_t i = first; i < history.size(); ++i) {
    auto slot = static_cast<int32_t>(i - first + 1);
    emit_news(special_.nsep, 1, 1 + slot, slot, history[i], /*separator_in_news_segment=*/true);
  }
  emit(special_.sep, 1, 0, -1);
}

}  // namespace unbert
