#include "unbert/text/wordpiece.h"

#include <utf8proc.h>

#include <algorithm>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/hash.h"

namespace unbert {
namespace {

constexpr std::size_t kMaxWordChars = 100;  // longer words become [UNK]

bool is_control(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF ||
         category == UTF8PROC_CATEGORY_CN || category == UTF8PROC_CATEGORY_CO ||
         category == UTF8PROC_CATEGORY_CS;
}

bool is_whitespace(char32_t c) {
  if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r') return true;
  return c > 0x7f && utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_ZS;
}

bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126))
    return true;
  if (c < 0x80) return false;
  auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Python's str.split() separators left after cleaning.
bool splits_words(char32_t c) {
  return c == U' ' || c == 0x2028 || c == 0x2029;
}

void append_utf8(char32_t c, std::string* out) {
  utf8proc_uint8_t buffer[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buffer);
  out->append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

// Steps 0-2: decode (invalid bytes become U+FFFD, then dropped), lower-case
// per code point, drop controls, map whitespace to ' ', space out CJK.
std::u32string clean(std::string_view text, bool lowercase) {
  std::u32string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto size = static_cast<utf8proc_ssize_t>(text.size());
  for (utf8proc_ssize_t pos = 0; pos < size;) {
    utf8proc_int32_t code = 0;
    utf8proc_ssize_t length = utf8proc_iterate(bytes + pos, size - pos, &code);
    if (length <= 0) {  // invalid UTF-8: one replacement character per byte
      code = 0xFFFD;
      length = 1;
    }
    pos += length;
    auto c = static_cast<char32_t>(code);
    if (lowercase) c = static_cast<char32_t>(utf8proc_tolower(code));
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_whitespace(c)) {
      out.push_back(U' ');
    } else if (is_cjk(c)) {
      out.push_back(U' ');
      out.push_back(c);
      out.push_back(U' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// NFD, then drop nonspacing marks (category Mn).
std::u32string strip_accents(const std::u32string& word) {
  bool ascii = std::all_of(word.begin(), word.end(), [](char32_t c) { return c < 0x80; });
  if (ascii) return word;
  std::string utf8;
  for (char32_t c : word) append_utf8(c, &utf8);
  std::vector<utf8proc_int32_t> decomposed(word.size() * 4 + 8);
  utf8proc_ssize_t n = 0;
  while (true) {
    n = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                           static_cast<utf8proc_ssize_t>(utf8.size()), decomposed.data(),
                           static_cast<utf8proc_ssize_t>(decomposed.size()),
                           static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STABLE));
    if (n < 0) return word;  // cannot happen for valid code points; keep the word as is
    if (static_cast<std::size_t>(n) <= decomposed.size()) break;
    decomposed.resize(static_cast<std::size_t>(n));
  }
  std::u32string out;
  for (utf8proc_ssize_t i = 0; i < n; ++i)
    if (utf8proc_category(decomposed[i]) != UTF8PROC_CATEGORY_MN)
      out.push_back(static_cast<char32_t>(decomposed[i]));
  return out;
}

}  // namespace

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::from_file(const std::string& vocab_path,
                                                                  bool lowercase,
                                                                  const std::string& unk_token) {
  std::string text = read_text_file(vocab_path);
  std::vector<std::string> vocab;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    vocab.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (vocab.empty()) throw Error(vocab_path + ": empty vocabulary (is this a vocab.txt?)");
  return std::make_unique<WordPieceTokenizer>(std::move(vocab), lowercase, unk_token,
                                              hash_bytes(text));
}

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocab, bool lowercase,
                                       const std::string& unk_token, uint64_t vocab_hash)
    : vocab_(std::move(vocab)), lowercase_(lowercase) {
  ids_.reserve(vocab_.size());
  for (std::size_t i = 0; i < vocab_.size(); ++i) {
    ids_[vocab_[i]] = static_cast<int32_t>(i);  // a repeated token keeps its last id, as in HF
    std::size_t chars = 0;
    for (unsigned char c : vocab_[i]) chars += (c & 0xC0) != 0x80;
    max_piece_chars_ = std::max(max_piece_chars_, chars);
  }
  if (auto unk = find(unk_token)) unk_id_ = *unk;
  identity_ = std::string("wordpiece:") + (lowercase ? "uncased:" : "cased:") + hex64(vocab_hash);
}

std::optional<int32_t> WordPieceTokenizer::find(std::string_view piece) const {
  auto it = ids_.find(std::string(piece));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string WordPieceTokenizer::piece(int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size())
    return "<" + std::to_string(id) + ">";
  return vocab_[static_cast<std::size_t>(id)];
}

template <class Emit>
void WordPieceTokenizer::for_each_basic_token(std::string_view text, Emit&& emit) const {
  std::u32string cleaned = clean(text, lowercase_);
  std::u32string word, token;
  auto flush_word = [&] {
    if (word.empty()) return;
    const std::u32string& normalized = lowercase_ ? strip_accents(word) : word;
    token.clear();
    for (char32_t c : normalized) {
      if (is_punctuation(c)) {
        if (!token.empty()) emit(token);
        token.assign(1, c);
        emit(token);
        token.clear();
      } else {
        token.push_back(c);
      }
    }
    if (!token.empty()) emit(token);
    word.clear();
  };
  for (char32_t c : cleaned) {
    if (splits_words(c)) {
      flush_word();
    } else {
      word.push_back(c);
    }
  }
  flush_word();
}

void WordPieceTokenizer::wordpiece(const std::u32string& word, std::vector<int32_t>* ids) const {
  if (word.size() > kMaxWordChars) {
    ids->push_back(unk_id_);
    return;
  }
  std::string utf8;
  std::vector<std::size_t> offset;  // byte offset of each code point, plus the end
  for (char32_t c : word) {
    offset.push_back(utf8.size());
    append_utf8(c, &utf8);
  }
  offset.push_back(utf8.size());
  std::size_t first_piece = ids->size();
  std::string key;
  for (std::size_t start = 0; start < word.size();) {
    std::size_t end = std::min(word.size(), start + max_piece_chars_);
    int32_t found = -1;
    for (; end > start; --end) {
      key.assign(start > 0 ? "##" : "");
      key.append(utf8, offset[start], offset[end] - offset[start]);
      auto it = ids_.find(key);
      if (it != ids_.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {  // an unmatched remainder makes the whole word [UNK]
      ids->resize(first_piece);
      ids->push_back(unk_id_);
      return;
    }
    ids->push_back(found);
    start = end;
  }
}

void WordPieceTokenizer::encode(std::string_view text, std::vector<int32_t>* ids) const {
  for_each_basic_token(text, [&](const std::u32string& token) { wordpiece(token, ids); });
}

std::vector<std::string> WordPieceTokenizer::basic_tokens(std::string_view text) const {
  std::vector<std::string> out;
  for_each_basic_token(text, [&](const std::u32string& token) {
    std::string utf8;
    for (char32_t c : token) append_utf8(c, &utf8);
    out.push_back(utf8);
  });
  return out;
}

}  // namespace unbert
