// WordPiece on arbitrary bytes (invalid UTF-8, controls, accents, CJK,
// punctuation), uncased and cased, with a small vocabulary of its own.
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "unbert/text/wordpiece.h"

namespace {

const unbert::WordPieceTokenizer& tokenizer(bool lowercase) {
  static const std::vector<std::string> vocab = {
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "news", "##s",    "##ing", "a",
      "b",     "c",     "e",     "##e",   "##a", "caf",  "##é",    "cafe",  "中",
      "文",    "!",     ",",     ".",     "'",   "un",   "##want", "##ed"};
  static const unbert::WordPieceTokenizer uncased(vocab, true, "[UNK]", 1);
  static const unbert::WordPieceTokenizer cased(vocab, false, "[UNK]", 2);
  return lowercase ? uncased : cased;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<int32_t> ids;
  for (bool lowercase : {true, false}) {
    ids.clear();
    unbert::fuzz::expect_clean([&] { tokenizer(lowercase).encode(text, &ids); });
    for (int32_t id : ids)
      if (id < 0 || id >= tokenizer(lowercase).vocab_size()) std::abort();
  }
  return 0;
}
