// SentencePiece models through the libunbert_spm.so plugin (see
// src/text/spm_plugin/spm_plugin.h for why it is a plugin).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "unbert/text/tokenizer.h"

namespace unbert {

class SentencePieceTokenizer : public Tokenizer {
 public:
  static std::unique_ptr<SentencePieceTokenizer> from_file(const std::string& model_path);
  SentencePieceTokenizer(void* processor, std::string identity);
  ~SentencePieceTokenizer() override;
  SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
  SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

  void encode(std::string_view text, std::vector<int32_t>* ids) const override;
  std::string piece(int32_t id) const override;
  std::optional<int32_t> find(std::string_view piece) const override;
  int32_t vocab_size() const override;
  std::string identity() const override { return identity_; }

 private:
  void* processor_;
  std::string identity_;
};

// Trains a unigram model on `sentences` and writes `model_path` (and its
// .vocab beside it). The config's special tokens become control symbols, so
// no text can produce them; `text.lowercase` adds case folding.
void train_sentencepiece(const std::vector<std::string_view>& sentences,
                         const std::string& model_path, const TextConfig& text, int threads);

}  // namespace unbert
