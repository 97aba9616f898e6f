#include "unbert/eval/rank_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numeric>

#include "unbert/common/error.h"

namespace unbert {
namespace {

constexpr std::size_t kMaxDigits = 18;  // fits int64 with room: no rank or label is larger

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Python's str.split(): fields between runs of whitespace.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && is_space(line[pos])) ++pos;
    std::size_t end = pos;
    while (end < line.size() && !is_space(line[end])) ++end;
    if (end > pos) fields.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

// The scorer reads text: a byte outside printable ASCII is a different id or
// (Unicode spaces) a field break there, never what it looks like here.
void check_bytes(std::string_view line, const std::string& path, std::size_t line_number) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto byte = static_cast<unsigned char>(line[i]);
    if ((byte >= 0x20 && byte < 0x7f) || byte == '\t' || byte == '\r') continue;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", byte);
    throw DataError(path, line_number,
                    std::string("byte ") + hex + " at column " + std::to_string(i + 1) +
                        " is not printable ASCII; ids and lists are plain ASCII text");
  }
}

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One item of the JSON list: an integer as JSON writes it (no '+', no
// leading zero), or the reason it is not.
std::string check_item(std::string_view item) {
  if (item.empty()) return "the list has an empty item";
  std::string_view digits = item.front() == '-' ? item.substr(1) : item;
  if (!is_digits(digits)) return "item '" + std::string(item) + "' is not a whole number";
  if (digits.size() > 1 && digits.front() == '0')
    return "item '" + std::string(item) +
           "' has a leading zero, which JSON (and the scorer) refuses";
  return "";
}

// "[a,b,c]" into integers; the reason it is not one, or "".
std::string parse_list(std::string_view text, std::vector<int64_t>* out,
                       std::vector<std::string_view>* written) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']')
    return "'" + std::string(text.substr(0, 40)) + "' is not a list in [ ]";
  std::string_view body = text.substr(1, text.size() - 2);
  if (body.empty()) return "the list is empty";
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = body.find(',', pos);
    std::string_view item =
        body.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::string problem = check_item(item);
    if (!problem.empty()) return problem;
    written->push_back(item);
    std::string_view digits = item.front() == '-' ? item.substr(1) : item;
    int64_t value = digits.size() > kMaxDigits ? std::numeric_limits<int64_t>::max()
                                               : std::stoll(std::string(digits));
    out->push_back(item.front() == '-' ? -value : value);
    if (comma == std::string_view::npos) return "";
    pos = comma + 1;
  }
}

void check_values(const ImpressionList& list, const std::vector<std::string_view>& written,
                  ListKind kind, const std::string& path) {
  const std::string n = std::to_string(list.values.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    const std::string item(written[i]);
    int64_t v = list.values[i];
    if (kind == ListKind::Labels && v != 0 && v != 1)
      throw DataError(path, list.line, "labels must be 0 or 1, got " + item);
    if (kind == ListKind::Ranks && v < 1)
      throw DataError(path, list.line, "ranks start at 1, got " + item);
    if (kind == ListKind::Ranks && v > static_cast<int64_t>(list.values.size()))
      throw DataError(
          path, list.line,
          "rank " + item + " for " + n + " candidates; ranks must be a permutation of 1.." + n);
  }
}

// MIND's ranks are a permutation of 1..n: a repeated or out-of-range rank
// would still score (1/rank), silently, as some other ranking.
void check_permutation(const std::vector<int64_t>& ranks, const std::string& path,
                       std::size_t line_number) {
  const auto n = static_cast<int64_t>(ranks.size());
  std::vector<bool> seen(ranks.size(), false);
  for (int64_t rank : ranks) {  // each in 1..n (check_values)
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
  std::size_t line_number = 0, first_blank = 0;
  while (std::getline(in, raw)) {
    ++line_number;
    check_bytes(raw, path, line_number);
    std::vector<std::string_view> fields = split_fields(raw);
    if (fields.empty()) {
      if (first_blank == 0) first_blank = line_number;
      continue;
    }
    if (first_blank != 0)
      throw DataError(path, first_blank,
                      "blank line before more lines; the scorer reads the i-th line against the "
                      "i-th truth line (remove it)");
    if (fields.size() != 2) {
      // A behaviors.tsv given where a truth or prediction file belongs.
      const char* hint = std::count(raw.begin(), raw.end(), '\t') == 4
                             ? " (this looks like a MIND behaviors.tsv: give it with "
                               "--behaviors, not --truth or --prediction)"
                             : " (no spaces inside the list)";
      throw DataError(path, line_number,
                      std::string("expected a line like '") + expected +
                          "': 2 fields separated by spaces, got " + std::to_string(fields.size()) +
                          hint);
    }
    ImpressionList list;
    list.line = line_number;
    list.id = std::string(fields[0]);
    if (!is_digits(list.id))
      throw DataError(path, line_number,
                      "impression id '" + list.id.substr(0, 40) + "' is not a whole number");
    std::vector<std::string_view> written;
    std::string problem = parse_list(fields[1], &list.values, &written);
    if (!problem.empty())
      throw DataError(path, line_number, problem + "; expected a line like '" + expected + "'");
    check_values(list, written, kind, path);
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
    lists[i].id = std::string(imp.id);
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
      throw DataError(prediction_path,
                      "ends after " + std::to_string(predictions.size()) + " impressions; " +
                          truth_path + " has " + std::to_string(truth.size()) + " (impression " +
                          t.id + " at line " + std::to_string(t.line) + " is the first missing)");
    const ImpressionList& p = predictions[i];
    if (p.id != t.id)
      throw DataError(prediction_path, p.line,
                      "impression id '" + p.id + "' does not match " + truth_path + ":" +
                          std::to_string(t.line) + " (id '" + t.id +
                          "'); the scorer compares ids as written, in the truth file's order");
    if (p.values.size() != t.values.size())
      throw DataError(prediction_path, p.line,
                      "impression " + p.id + " has " + std::to_string(p.values.size()) +
                          " ranks but " + truth_path + ":" + std::to_string(t.line) + " has " +
                          std::to_string(t.values.size()) + " candidates");
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

std::string format_prediction_line(std::string_view id, const float* scores, std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<std::size_t> rank(n);
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = r + 1;
  std::string line = std::string(id) + " [";
  for (std::size_t j = 0; j < n; ++j) line += (j ? "," : "") + std::to_string(rank[j]);
  return line + "]";
}

}  // namespace unbert
