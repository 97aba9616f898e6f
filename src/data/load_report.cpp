#include "unbert/data/load_report.h"

#include "unbert/common/log.h"

namespace unbert {

void LoadReport::note_skip(const std::string& where_and_why) {
  ++skipped_lines;
  if (skipped_examples.size() < 5) skipped_examples.push_back(where_and_why);
}

void LoadReport::log(const std::string& what) const {
  if (skipped_lines > 0) {
    spdlog::warn("[data] {}: skipped {} malformed line(s) (data.on_error = skip); first: {}", what,
                 skipped_lines, skipped_examples.empty() ? "" : skipped_examples.front());
  }
  if (duplicate_news > 0)
    spdlog::info("[data] {}: {} news id(s) already loaded from another split, kept the first", what,
                 duplicate_news);
  if (repeated_in_file > 0)
    spdlog::warn("[data] {}: {} news id(s) appear more than once in this file, kept the first",
                 what, repeated_in_file);
  if (unknown_history > 0)
    spdlog::warn("[data] {}: dropped {} history click(s) on news missing from news.tsv", what,
                 unknown_history);
  if (unknown_candidate > 0)
    spdlog::warn("[data] {}: dropped {} candidate(s) missing from news.tsv", what,
                 unknown_candidate);
  if (empty_impressions > 0)
    spdlog::warn("[data] {}: dropped {} impression(s) left with no candidate", what,
                 empty_impressions);
}

}  // namespace unbert
