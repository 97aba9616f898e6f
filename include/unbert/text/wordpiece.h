// WordPiece exactly as HuggingFace's (slow) BertTokenizer of transformers 2.x:
// clean text, space out CJK ideographs, lower-case + NFD + drop accents when
// uncased, split on punctuation, then greedy longest-match-first WordPiece
// with "##" continuations. Unicode data comes from utf8proc.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "unbert/text/tokenizer.h"

namespace unbert {

class WordPieceTokenizer : public Tokenizer {
 public:
  // One token per line; the line number is the id (as BertTokenizer reads it).
  static std::unique_ptr<WordPieceTokenizer> from_file(const std::string& vocab_path,
                                                       bool lowercase,
                                                       const std::string& unk_token = "[UNK]");
  WordPieceTokenizer(std::vector<std::string> vocab, bool lowercase, const std::string& unk_token,
                     uint64_t vocab_hash);

  void encode(std::string_view text, std::vector<int32_t>* ids) const override;
  std::string piece(int32_t id) const override;
  std::optional<int32_t> find(std::string_view piece) const override;
  int32_t vocab_size() const override { return static_cast<int32_t>(vocab_.size()); }
  std::string identity() const override { return identity_; }

  // The words WordPiece sees (BasicTokenizer's output), as UTF-8.
  std::vector<std::string> basic_tokens(std::string_view text) const;

 private:
  template <class Emit>
  void for_each_basic_token(std::string_view text, Emit&& emit) const;
  void wordpiece(const std::u32string& word, std::vector<int32_t>* ids) const;

  std::vector<std::string> vocab_;
  std::unordered_map<std::string, int32_t> ids_;
  bool lowercase_;
  int32_t unk_id_ = -1;
  std::size_t max_piece_chars_ = 1;
  std::string identity_;
};

}  // namespace unbert
