#include "unbert/eval/rank_file.h"

#include <algorithm>
#include <fstream>
#include <numeric>

#include "unbert/common/error.h"

namespace unbert {
namespace {

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Parses "[a,b,c]" (spaces allowed around items) into integers.
bool parse_list(const std::string& text, std::vector<int64_t>* out) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  std::string body = text.substr(1, text.size() - 2);
  if (trim(body).empty()) return true;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t comma = body.find(',', pos);
    std::string item =
        trim(body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (item.empty() || item.find_first_not_of("0123456789-") != std::string::npos ||
        item.size() > 18)
      return false;
    try {
      out->push_back(std::stoll(item));
    } catch (const std::exception&) {
      return false;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

// MIND's ranks are a permutation of 1..n: a repeated or out-of-range rank
// would still score (1/rank), silently, as some other ranking.
void check_permutation(const std::vector<int64_t>& ranks, const std::string& path,
                       std::size_t line_number) {
  const auto n = static_cast<int64_t>(ranks.size());
  std::vector<bool> seen(ranks.size(), false);
  for (int64_t rank : ranks) {
    if (rank > n)
      throw DataError(path, line_number,
                      "rank " + std::to_string(rank) + " for " + std::to_string(n) +
                          " candidates; ranks must be a permutation of 1.." + std::to_string(n));
    if (seen[static_cast<std::size_t>(rank - 1)])
      throw DataError(path, line_number,
                      "rank " + std::to_string(rank) + " appears twice; ranks must be a " +
                          "permutation of 1.." + std::to_string(n));
    seen[static_cast<std::size_t>(rank - 1)] = true;
  }
}

}  // namespace

std::vector<ImpressionList> read_impression_lists(const std::string& path, ListKind kind) {
  std::ifstream in(path);
  if (!in) throw UsageError(path + ": cannot open the file (check the path)");
  return read_impression_lists(in, path, kind);
}

std::vector<ImpressionList> read_impression_lists(std::istream& in, const std::string& path,
                                                  ListKind kind) {
  const char* expected = kind == ListKind::Labels ? "impid [0,1,0]" : "impid [2,1,3]";
  std::vector<ImpressionList> lists;
  std::string raw;
  std::size_t line_number = 0;
  while (std::getline(in, raw)) {
    ++line_number;
    std::string line = trim(raw);
    if (line.empty()) continue;
    auto space = line.find_first_of(" \t");
    if (space == std::string::npos)
      throw DataError(path, line_number, std::string("expected a line like '") + expected + "'");
    ImpressionList list;
    list.line = line_number;
    std::string id = line.substr(0, space);
    if (id.find_first_not_of("0123456789") != std::string::npos || id.size() > 19)
      throw DataError(path, line_number, "impression id '" + id + "' is not a whole number");
    list.id = std::stoull(id);
    if (!parse_list(trim(line.substr(space)), &list.values))
      throw DataError(path, line_number,
                      std::string("expected a list of integers like '") + expected + "'");
    if (list.values.empty()) throw DataError(path, line_number, "empty list");
    for (int64_t v : list.values) {
      if (kind == ListKind::Labels && v != 0 && v != 1)
        throw DataError(path, line_number, "labels must be 0 or 1, got " + std::to_string(v));
      if (kind == ListKind::Ranks && v < 1)
        throw DataError(path, line_number, "ranks start at 1, got " + std::to_string(v));
    }
    if (kind == ListKind::Ranks) check_permutation(list.values, path, line_number);
    lists.push_back(std::move(list));
  }
  return lists;
}

std::vector<ImpressionList> truth_from_behaviors(const Behaviors& behaviors) {
  if (!behaviors.labeled())
    throw UsageError(behaviors.path() + ": has no labels (a test split?); score against dev");
  std::vector<ImpressionList> lists(behaviors.size());
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    lists[i].id = imp.id;
    lists[i].line = imp.line;
    lists[i].values.assign(imp.labels.begin(), imp.labels.end());
  }
  return lists;
}

void check_lines_match(const std::vector<ImpressionList>& truth,
                       const std::vector<ImpressionList>& predictions,
                       const std::string& truth_path, const std::string& prediction_path) {
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const ImpressionList& t = truth[i];
    if (i >= predictions.size())
      throw DataError(prediction_path, "ends after " + std::to_string(predictions.size()) +
                                           " impressions; " + truth_path + " has " +
                                           std::to_string(truth.size()) + " (impression " +
                                           std::to_string(t.id) + " at line " +
                                           std::to_string(t.line) + " is the first missing)");
    const ImpressionList& p = predictions[i];
    if (p.id != t.id)
      throw DataError(prediction_path, p.line,
                      "impression id " + std::to_string(p.id) + " does not match " + truth_path +
                          ":" + std::to_string(t.line) + " (id " + std::to_string(t.id) +
                          "); keep the truth file's order");
    if (p.values.size() != t.values.size())
      throw DataError(prediction_path, p.line,
                      "impression " + std::to_string(p.id) + " has " +
                          std::to_string(p.values.size()) + " ranks but " + truth_path + ":" +
                          std::to_string(t.line) + " has " + std::to_string(t.values.size()) +
                          " candidates");
  }
  if (predictions.size() > truth.size())
    throw DataError(
        prediction_path, predictions[truth.size()].line,
        "more impressions than " + truth_path + " (" + std::to_string(truth.size()) + ")");
}

MetricSummary score_rankings(const std::vector<ImpressionList>& truth,
                             const std::vector<ImpressionList>& predictions,
                             const std::string& truth_path, const std::string& prediction_path) {
  check_lines_match(truth, predictions, truth_path, prediction_path);
  MetricAccumulator metrics;
  std::vector<float> scores;
  std::vector<int8_t> labels;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const ImpressionList &t = truth[i], &p = predictions[i];
    scores.resize(p.values.size());
    labels.resize(t.values.size());
    for (std::size_t j = 0; j < scores.size(); ++j) {
      scores[j] = static_cast<float>(1.0 / static_cast<double>(p.values[j]));
      labels[j] = static_cast<int8_t>(t.values[j]);
    }
    metrics.add(scores.data(), labels.data(), scores.size());
  }
  return metrics.summary();
}

std::string format_prediction_line(uint64_t id, const float* scores, std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<std::size_t> rank(n);
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = r + 1;
  std::string line = std::to_string(id) + " [";
  for (std::size_t j = 0; j < n; ++j) line += (j ? "," : "") + std::to_string(rank[j]);
  return line + "]";
}

}  // namespace unbert
