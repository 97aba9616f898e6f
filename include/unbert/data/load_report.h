// How MIND readers treat bad input, and what they report afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "unbert/config/config.h"

namespace unbert {

struct LoadOptions {
  OnError on_error = OnError::Fail;
  UnknownNews unknown_history = UnknownNews::Skip;
  UnknownNews unknown_candidate = UnknownNews::Error;
  // Candidates and history ids missing from the news table are added to it
  // instead (for `unbert score --behaviors`, which needs labels only).
  bool add_unknown_news = false;
  int threads = 0;  // 0 = all cores

  static LoadOptions from(const DataConfig& data) {
    return {data.on_error, data.unknown_history, data.unknown_candidate, false, 0};
  }
};

struct LoadReport {
  std::size_t lines = 0;
  std::size_t skipped_lines = 0;
  std::vector<std::string> skipped_examples;  // first few "file:line: reason"
  std::size_t duplicate_news = 0;             // ids loaded before from another split's news.tsv
  std::size_t repeated_in_file = 0;           // ids that appear twice in the same news.tsv
  std::size_t unknown_history = 0;            // history ids dropped
  std::size_t unknown_candidate = 0;          // candidates dropped (unknown_candidate = skip)
  std::size_t empty_impressions = 0;          // lines whose candidates were all dropped

  void note_skip(const std::string& where_and_why);
  // Logs one warning per non-zero count (never drops anything silently).
  void log(const std::string& what) const;
};

}  // namespace unbert
