// Line and field splitting for MIND's tab-separated files (private header).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "unbert/common/log.h"

namespace unbert::tsv {

// Splits `line` at tabs into at most `max_fields` views; returns the number of
// fields found (counting all of them, even past max_fields).
inline std::size_t split(std::string_view line, std::string_view* fields, std::size_t max_fields) {
  std::size_t count = 0, start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    std::string_view field =
        line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (count < max_fields) fields[count] = field;
    ++count;
    if (tab == std::string_view::npos) return count;
    start = tab + 1;
  }
}

// `text` without a UTF-8 byte-order mark at its start (editors on Windows
// write one; left in, it would become part of the first news id). Says so
// in the log when there was one.
inline std::string_view without_bom(std::string_view text, const std::string& path) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) != kBom) return text;
  spdlog::info("[data] {}: skipped the UTF-8 byte-order mark at its start", path);
  return text.substr(kBom.size());
}

// Next line of `text` from `*pos` (without "\n" or a trailing "\r").
inline std::string_view next_line(std::string_view text, std::size_t* pos) {
  std::size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

inline bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace unbert::tsv
