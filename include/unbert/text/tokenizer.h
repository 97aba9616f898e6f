// One interface for WordPiece (vocab.txt) and SentencePiece (.model).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unbert/config/config.h"

namespace unbert {

// Ids of the tokens UNBERT's input format needs, named in the config.
struct SpecialTokens {
  int32_t cls = 0, sep = 0, pad = 0, unk = 0, nsep = 0;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Appends the ids of `text` (no special tokens added).
  virtual void encode(std::string_view text, std::vector<int32_t>* ids) const = 0;
  // Appends the ids of every text to `ids` and each text's count to `lengths`.
  virtual void encode_batch(const std::vector<std::string_view>& texts, std::vector<int32_t>* ids,
                            std::vector<uint32_t>* lengths) const;
  virtual std::string piece(int32_t id) const = 0;
  virtual std::optional<int32_t> find(std::string_view piece) const = 0;
  virtual int32_t vocab_size() const = 0;
  // Kind, options and a hash of the vocabulary: equal identities tokenize alike.
  virtual std::string identity() const = 0;

  const SpecialTokens& special() const { return special_; }
  // Looks up the config's special tokens; a missing one is a ConfigError.
  void resolve_special(const TextConfig& text, const std::string& source);

 private:
  SpecialTokens special_;
};

// The tokenizer the config names. A SentencePiece model must already exist
// (see train_sentencepiece in sentencepiece_tokenizer.h).
std::unique_ptr<Tokenizer> load_tokenizer(const TextConfig& text);

}  // namespace unbert
