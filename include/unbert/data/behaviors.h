// behaviors.tsv of one MIND split, read in parallel into flat arrays.
// Columns: impression_id, user_id, time, history (space-separated news ids,
// may be empty), impressions ("N1-1 N2-0", or "N1 N2" unlabeled in test).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "unbert/common/span.h"
#include "unbert/data/interner.h"
#include "unbert/data/load_report.h"
#include "unbert/data/news_table.h"

namespace unbert {

constexpr int8_t kUnlabeled = -1;

struct Impression {
  std::string_view id;  // as written in the file (the scorer compares text)
  uint32_t user;
  int64_t time;               // seconds, see mind_time.h
  uint32_t line;              // 1-based line in behaviors.tsv
  Span<uint32_t> history;     // news indices, oldest first (file order)
  Span<uint32_t> candidates;  // news indices
  Span<int8_t> labels;        // 1 clicked, 0 not, kUnlabeled in test
};

class Behaviors {
 public:
  // Reads `path`, resolving news ids in `news` (which it only extends when
  // options.add_unknown_news is set). Problems are reported in `report`.
  static Behaviors load(const std::string& path, NewsTable& news, const LoadOptions& options,
                        LoadReport* report);

  // The impressions `rows` (ascending) as behaviors of their own, of the same
  // file, users and news.
  Behaviors select(const std::vector<std::size_t>& rows) const;

  std::size_t size() const { return id_ends_.size(); }
  Impression operator[](std::size_t i) const;
  bool labeled() const { return labeled_; }  // every impression carries labels
  std::size_t num_candidates() const { return candidate_news_.size(); }
  // Position of impression i's first candidate among all candidates.
  std::size_t candidate_offset(std::size_t i) const { return candidate_offsets_[i]; }
  std::size_t num_histories() const { return history_offsets_.size() - 1; }
  std::string_view user_id(uint32_t user) const { return users_.at(user); }
  std::size_t num_users() const { return users_.size(); }
  const std::string& path() const { return path_; }

 private:
  friend struct BehaviorsBuilder;
  std::string path_;
  bool labeled_ = true;
  std::string id_text_;            // every impression id, end to end
  std::vector<uint64_t> id_ends_;  // where impression i's id ends in id_text_
  std::vector<uint32_t> user_;
  std::vector<int64_t> time_;
  std::vector<uint32_t> line_;
  std::vector<uint32_t> history_of_;  // impression -> distinct history
  std::vector<uint64_t> history_offsets_{0};
  std::vector<uint32_t> history_news_;
  std::vector<uint64_t> candidate_offsets_{0};
  std::vector<uint32_t> candidate_news_;
  std::vector<int8_t> candidate_labels_;
  Interner users_;
};

}  // namespace unbert
