// UNBERT's input for one (user, candidate) pair:
//   [CLS] candidate [SEP] [NSEP] h_1 [NSEP] h_2 ... [SEP]
// h_i are the user's most recent clicks in click order (at most
// text.max_history, and at most text.max_news_segments - 2), each title cut
// to text.max_title_tokens; when the whole exceeds text.max_seq_len the oldest
// clicked news are dropped first; the candidate is never cut further.
#pragma once

#include <cstdint>
#include <vector>

#include "unbert/common/span.h"
#include "unbert/text/news_tokens.h"
#include "unbert/text/tokenizer.h"

namespace unbert {

struct PackedSequence {
  // Per token.
  std::vector<int32_t> token_ids;
  std::vector<int32_t> segment_ids;       // 0 up to and including the first [SEP], 1 after
  std::vector<int32_t> news_segment_ids;  // 1 candidate, 2+i i-th clicked (with its [NSEP]), 0 else
  std::vector<int32_t> news_index;        // news slot whose words this token is, or -1
  // Per news slot (0 = candidate, 1+i = i-th clicked news).
  std::vector<int32_t> separator_positions;  // [CLS] for the candidate, [NSEP] for clicked news

  std::size_t length() const { return token_ids.size(); }
  std::size_t num_news() const { return separator_positions.size(); }
  void clear();
};

class Packer {
 public:
  Packer(const NewsTokens& tokens, const SpecialTokens& special, const TextConfig& text);

  // `history` is in file order (oldest first), as Behaviors stores it.
  void pack(uint32_t candidate, Span<uint32_t> history, PackedSequence* out) const;
  // The length pack() would produce, without packing.
  std::size_t packed_length(uint32_t candidate, Span<uint32_t> history) const;

 private:
  // First history index kept, after max_history and max_seq_len.
  std::size_t first_kept(std::size_t candidate_length, Span<uint32_t> history) const;
  std::size_t title_length(uint32_t news) const;

  const NewsTokens& tokens_;
  SpecialTokens special_;
  std::size_t max_title_, max_history_, max_seq_len_;
};

}  // namespace unbert
