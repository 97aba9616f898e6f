// The official scorer's text files: truth lines "impid [0,1,0]" and
// prediction lines "impid [2,1,3]" (1-based ranks; score = 1/rank). Read as
// MIND's evaluate.py reads them (two whitespace-separated fields, the second a
// JSON list, ids compared as text), with stricter refusals on top: printable
// ASCII only, whole numbers only, ranks a permutation of 1..n.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "unbert/data/behaviors.h"
#include "unbert/eval/metrics.h"

namespace unbert {

struct ImpressionList {
  std::string id;               // as written
  std::size_t line = 0;         // 1-based line in its file
  std::vector<int64_t> values;  // labels (0/1) or ranks (>= 1)
};

enum class ListKind { Labels, Ranks };

// Reads every line (blank lines only at the end, as the scorer stops at the
// last truth line); a malformed one is a DataError with file:line.
std::vector<ImpressionList> read_impression_lists(const std::string& path, ListKind kind);
// The same from a stream; `path` names it in errors.
std::vector<ImpressionList> read_impression_lists(std::istream& in, const std::string& path,
                                                  ListKind kind);

// Truth lists from a labeled MIND behaviors file, in file order.
std::vector<ImpressionList> truth_from_behaviors(const Behaviors& behaviors);

// The i-th prediction line must rank the i-th truth line: same id, as many
// ranks as candidates, no line missing or extra. A DataError names the line.
void check_lines_match(const std::vector<ImpressionList>& truth,
                       const std::vector<ImpressionList>& predictions,
                       const std::string& truth_path, const std::string& prediction_path);

// Pairs the i-th truth and prediction lines; ids and lengths must agree.
MetricSummary score_rankings(const std::vector<ImpressionList>& truth,
                             const std::vector<ImpressionList>& predictions,
                             const std::string& truth_path, const std::string& prediction_path);

// "impid [r1,r2,...]": ranks 1..n by descending score (ties by position).
std::string format_prediction_line(std::string_view id, const float* scores, std::size_t n);

}  // namespace unbert
