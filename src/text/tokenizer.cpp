#include "unbert/text/tokenizer.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/text/sentencepiece_tokenizer.h"
#include "unbert/text/wordpiece.h"

namespace unbert {

void Tokenizer::encode_batch(const std::vector<std::string_view>& texts, std::vector<int32_t>* ids,
                             std::vector<uint32_t>* lengths) const {
  for (std::string_view text : texts) {
    const std::size_t before = ids->size();
    encode(text, ids);
    lengths->push_back(static_cast<uint32_t>(ids->size() - before));
  }
}

void Tokenizer::resolve_special(const TextConfig& text, const std::string& source) {
  auto lookup = [&](const char* key, const std::string& token) {
    auto id = find(token);
    if (!id)
      throw ConfigError(
          std::string("text.") + key,
          "token '" + token + "' is not in the vocabulary of " + source + " (name a token it has)");
    return *id;
  };
  special_.cls = lookup("cls_token", text.cls_token);
  special_.sep = lookup("sep_token", text.sep_token);
  special_.pad = lookup("pad_token", text.pad_token);
  special_.unk = lookup("unk_token", text.unk_token);
  special_.nsep = lookup("nsep_token", text.nsep_token);
}

std::unique_ptr<Tokenizer> load_tokenizer(const TextConfig& text) {
  std::unique_ptr<Tokenizer> tokenizer;
  std::string source;
  if (text.tokenizer == TokenizerKind::WordPiece) {
    if (text.vocab.empty()) throw ConfigError("text.vocab", "needs the path of a vocab.txt");
    if (!std::filesystem::is_regular_file(text.vocab))
      throw ConfigError("text.vocab", "\"" + text.vocab +
                                          "\" is not a file (scripts/download_bert.sh fetches "
                                          "bert-base-uncased's vocab.txt; or name your own)");
    tokenizer = WordPieceTokenizer::from_file(text.vocab, text.lowercase, text.unk_token);
    source = text.vocab;
  } else {
    if (text.spm_model.empty())
      throw ConfigError("text.spm_model", "needs the path of a SentencePiece .model");
    tokenizer = SentencePieceTokenizer::from_file(text.spm_model);
    source = text.spm_model;
  }
  tokenizer->resolve_special(text, source);
  return tokenizer;
}

}  // namespace unbert
