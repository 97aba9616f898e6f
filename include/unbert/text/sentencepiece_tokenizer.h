// SentencePiece models, run in the helper process unbert-spm
// (src/text/spm_helper/spm_helper_main.cpp says why it is a process).
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "unbert/text/tokenizer.h"

namespace unbert {

class ChildProcess;

class SentencePieceTokenizer : public Tokenizer {
 public:
  static std::unique_ptr<SentencePieceTokenizer> from_file(const std::string& model_path);
  ~SentencePieceTokenizer() override;
  SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
  SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

  void encode(std::string_view text, std::vector<int32_t>* ids) const override;
  // One round trip to the helper per few thousand texts.
  void encode_batch(const std::vector<std::string_view>& texts, std::vector<int32_t>* ids,
                    std::vector<uint32_t>* lengths) const override;
  std::string piece(int32_t id) const override;
  std::optional<int32_t> find(std::string_view piece) const override;
  int32_t vocab_size() const override { return static_cast<int32_t>(pieces_.size()); }
  std::string identity() const override { return identity_; }
  // The helper's process id (diagnostics and tests).
  pid_t helper_pid() const;

 private:
  SentencePieceTokenizer(std::unique_ptr<ChildProcess> helper, std::string identity);

  std::unique_ptr<ChildProcess> helper_;
  mutable std::mutex helper_mutex_;  // one request at a time
  std::string identity_;
  // The vocabulary, fetched once when the model loads: piece() and find()
  // need no round trip.
  std::vector<std::string> pieces_;
  std::unordered_map<std::string, int32_t> ids_;
};

// Trains a unigram model on `sentences` and writes `model_path` (and its
// .vocab beside it). The config's special tokens become control symbols, so
// no text can produce them; `text.lowercase` adds case folding.
void train_sentencepiece(const std::vector<std::string_view>& sentences,
                         const std::string& model_path, const TextConfig& text, int threads);

// Where the helper executable is: UNBERT_SPM_HELPER when set (the only place
// looked at then), else beside the unbert binary, ../lib/unbert, or the build
// folder. Throws Error saying where it looked and how to fix it.
std::string sentencepiece_helper_path();

}  // namespace unbert
